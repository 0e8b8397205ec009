// Run: source .ci/redis.sh && dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks.Redis -- --redis "$JWTSESSIONS_REDIS" --seconds 5
using System.Globalization;
using JwtSessions.Benchmarks.Redis;

var address = Environment.GetEnvironmentVariable("JWTSESSIONS_REDIS");
var seconds = 5;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--redis":
            address = args[i + 1];
            break;
        case "--seconds":
            seconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}.");
            return 2;
    }
}

if (string.IsNullOrWhiteSpace(address))
{
    Console.Error.WriteLine("Usage: JwtSessions.Benchmarks.Redis --redis host:port [--seconds 5]  (or set JWTSESSIONS_REDIS)");
    return 2;
}

await new RedisThroughput(address, TimeSpan.FromSeconds(seconds), Console.Out).RunAsync();
return 0;
