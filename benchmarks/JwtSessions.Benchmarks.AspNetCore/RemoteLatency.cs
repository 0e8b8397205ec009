using System.Diagnostics;
using System.Globalization;
using System.Net;
using JwtSessions.Remote;
using JwtSessions.Revocation;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>
/// Wall time for a resource server to see an issuer's change over Kestrel on loopback (docs/resource-servers.md,
/// "Measured"): from the request that meets a new key's token until that token validates (the unknown-<c>kid</c> refetch
/// and the atomic swap), and from the poll's start until a revoked session is in the poller's list (one exchange with the
/// revocation endpoint). The sources' timers run on a fake clock the harness moves, so what is timed is the exchange and
/// the swap, not the configured intervals; the bounds in fake time are the tests' (tests/JwtSessions.Tests/Remote).
/// </summary>
/// <remarks>Settings, as <c>name=value</c>: <c>rounds</c> (50).</remarks>
internal static class RemoteLatency
{
    public const string Switch = "--remote";

    private const string Issuer = "https://issuer.example";
    private const string Audience = "https://api.example";

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Select(static a => a.Split('=', 2)).Where(static p => p is ["rounds", _])
            .Select(static p => int.Parse(p[1], CultureInfo.InvariantCulture)).DefaultIfEmpty(50).First();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time });
        using var log = new RevocationLog(store, TimeSpan.FromMinutes(10), time);
        var published = new List<SigningKey> { SigningKey.Generate(JwtAlgorithm.ES256, "key-0") };
        var jwks = KeyRing.ForVerification([.. published]).ToJwks();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(static k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(log);
        await using var app = builder.Build();
        app.MapGet("/jwks", () => Results.Text(Volatile.Read(ref jwks), "application/json"));
        app.MapJwtSessionsRevocations("/revocations");
        await app.StartAsync();
        var root = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var keys = new JwksKeySource(new JwksKeySourceOptions { JwksUri = new Uri(root, "/jwks") }, httpClient: null, time);
        await keys.RefreshAsync();
        var validatorOptions = new TokenValidatorOptions { Issuer = Issuer, KeySource = keys, TimeProvider = time, RejectionBurst = null };
        validatorOptions.Audiences.Add(Audience);
        var validator = new TokenValidator(validatorOptions);
        using var poller = new RevocationPoller(new RevocationPollerOptions { RevocationsUri = new Uri(root, "/revocations") }, httpClient: null, time);

        var refetch = new List<double>(rounds);
        var poll = new List<double>(rounds);
        for (var round = 1; round <= rounds; round++)
        {
            // The issuer rotates: its set now holds a new key; a token of that key reaches the resource server.
            var key = SigningKey.Generate(JwtAlgorithm.ES256, $"key-{round}");
            published.Add(key);
            Volatile.Write(ref jwks, KeyRing.ForVerification([.. published.TakeLast(2)]).ToJwks());
            var token = Mint(key, time);
            await Settled(keys.InFlight);
            time.Advance(new JwksKeySourceOptions().UnknownKeyCooldown);
            var watch = Stopwatch.StartNew();
            if (validator.ValidateToken(token).Error != TokenValidationError.UnknownKey)
            {
                throw new InvalidOperationException("The first request with the new key must be answered unknown_key.");
            }

            await Until(() => validator.ValidateToken(token).IsValid, "the new key");
            refetch.Add(watch.Elapsed.TotalMilliseconds);

            // The issuer revokes a session; the next poll carries it. A poll the clock's moves started earlier ends first, so
            // the next one is armed from the current fake time.
            await Settled(poller.InFlight);
            var sessionId = $"session-{round}";
            var now = time.GetUtcNow();
            await store.CreateAsync(new SessionRecord
            {
                SessionId = sessionId,
                Subject = "alice",
                CreatedAt = now,
                RotatedAt = now,
                IdleExpiresAt = now.AddHours(1),
                AbsoluteExpiresAt = now.AddHours(2),
            });
            await store.RevokeAsync(sessionId, now, SessionEndReason.Logout);
            watch.Restart();
            time.Advance(new RevocationPollerOptions().PollInterval);
            await Until(() => poller.Revocations.Contains(sessionId), "the revocation");
            poll.Add(watch.Elapsed.TotalMilliseconds);
        }

        await app.StopAsync();
        Console.WriteLine($"{rounds} rounds, Kestrel on loopback, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Report("unknown kid: rejected request -> new key valid", refetch);
        Report("revocation poll: poll started -> session in the list", poll);
        return 0;
    }

    private static string Mint(SigningKey key, TimeProvider time)
    {
        var options = new Issuance.TokenIssuerOptions { Issuer = Issuer, Keys = KeyRing.Create(key), TimeProvider = time };
        options.Audiences.Add(Audience);
        return new Issuance.TokenIssuer(options).Issue(new Issuance.AccessTokenDescriptor { Subject = "alice" }).Token;
    }

    private static async Task Settled(Task<bool>? running)
    {
        if (running is not null)
        {
            await running;
        }
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"Waited 30 s for {what}.");
            }

            await Task.Yield();
        }
    }

    private static void Report(string what, List<double> milliseconds)
    {
        milliseconds.Sort();
        double At(double q) => milliseconds[(int)Math.Min(milliseconds.Count - 1, Math.Floor(q * milliseconds.Count))];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{what}: median {At(0.5):F1} ms, p90 {At(0.9):F1} ms, min {milliseconds[0]:F1} ms, max {milliseconds[^1]:F1} ms"));
    }
}
