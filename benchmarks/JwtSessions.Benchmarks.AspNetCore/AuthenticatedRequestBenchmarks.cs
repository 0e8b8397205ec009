// Run: dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks.AspNetCore -- --filter '*AuthenticatedRequestBenchmarks*'
using BenchmarkDotNet.Attributes;
using JwtSessions.Signing;

namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>
/// A whole request, in-process on <see cref="Microsoft.AspNetCore.TestHost.TestServer"/>: <c>GET /orders</c> with the same
/// bearer token, minted by <c>TokenIssuer</c> with the same key, through the JwtSessions handler (without and with the
/// verified-token cache) and through ASP.NET Core's JwtBearer handler, against the same endpoint in an app without
/// authentication (the floor), and through a handler that does no token work (what ASP.NET Core's authentication and
/// authorization cost by themselves). <see cref="RequestApps"/> describes the apps; the endpoint reads <c>sub</c>, so a handler that
/// builds its claims lazily pays for them.
/// </summary>
[MemoryDiagnoser]
public class AuthenticatedRequestBenchmarks
{
    private RequestApps _apps = null!;

    [Params(JwtAlgorithm.HS256, JwtAlgorithm.ES256)]
    public JwtAlgorithm Algorithm { get; set; }

    [GlobalSetup]
    public void Setup() => _apps = RequestApps.StartAsync(Algorithm, RequestHost.TestServer).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _apps.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public Task<int> Anonymous() => Get(RequestCase.Anonymous);

    [Benchmark]
    public Task<int> AnonymousThroughAuthentication() => Get(RequestCase.AnonymousThroughAuthentication);

    [Benchmark]
    public Task<int> AuthenticatedFloor() => Get(RequestCase.AuthenticatedFloor);

    [Benchmark]
    public Task<int> JwtSessionsCold() => Get(RequestCase.JwtSessionsCold);

    [Benchmark]
    public Task<int> JwtSessionsCached() => Get(RequestCase.JwtSessionsCached);

    [Benchmark]
    public Task<int> JwtBearer() => Get(RequestCase.JwtBearer);

    private Task<int> Get(RequestCase requestCase) => _apps[requestCase].GetAsync(_apps.HeaderFor(requestCase));
}
