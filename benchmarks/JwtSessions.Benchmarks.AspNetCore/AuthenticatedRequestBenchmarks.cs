// Run: dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks.AspNetCore -- --filter '*AuthenticatedRequestBenchmarks*'
using BenchmarkDotNet.Attributes;
using JwtSessions.AspNetCore.Authentication;
using JwtSessions.Benchmarks;
using JwtSessions.Signing;
using JwtSessions.Validation;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;

namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>
/// A whole authenticated request, in-process on <see cref="Microsoft.AspNetCore.TestHost.TestServer"/>: <c>GET /orders</c>
/// with the same bearer token, minted by <c>TokenIssuer</c> with the same key, through the JwtSessions handler (without and
/// with the verified-token cache) and through ASP.NET Core's JwtBearer handler; the floor is the same endpoint in an app with
/// no authentication at all, and <see cref="AnonymousThroughAuthentication"/> is an anonymous call through the JwtSessions
/// app's authentication and authorization middleware.
/// </summary>
/// <remarks>
/// Each app has its own host; the endpoint reads <c>sub</c> from the principal, so a handler that builds its claims lazily pays
/// for them. JwtBearer runs with its defaults (the <c>JsonWebTokenHandler</c>, <c>SaveToken</c>) and
/// <c>MapInboundClaims = false</c>, so both read the same claim names; its parameters are the validation benchmarks' (issuer,
/// audience, type <c>at+jwt</c>, the one algorithm, 30 s skew).
/// </remarks>
[MemoryDiagnoser]
public class AuthenticatedRequestBenchmarks
{
    private BenchmarkFixture _fixture = null!;
    private RequestApp _floor = null!;
    private RequestApp _oursCold = null!;
    private RequestApp _oursCached = null!;
    private RequestApp _oursAnonymous = null!;
    private RequestApp _jwtBearer = null!;
    private string _header = null!;

    [Params(JwtAlgorithm.HS256, JwtAlgorithm.ES256)]
    public JwtAlgorithm Algorithm { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    /// <summary>Floor: the same endpoint in an app without authentication or authorization, no header.</summary>
    [Benchmark(Baseline = true)]
    public Task<int> Anonymous() => _floor.GetAsync(null);

    /// <summary>No header, to an endpoint that allows anonymous callers, through the JwtSessions app's middleware.</summary>
    [Benchmark]
    public Task<int> AnonymousThroughAuthentication() => _oursAnonymous.GetAsync(null);

    [Benchmark]
    public Task<int> JwtSessionsCold() => _oursCold.GetAsync(_header);

    [Benchmark]
    public Task<int> JwtSessionsCached() => _oursCached.GetAsync(_header);

    [Benchmark]
    public Task<int> JwtBearer() => _jwtBearer.GetAsync(_header);

    private async Task SetupAsync()
    {
        _fixture = BenchmarkFixture.Create(Algorithm);
        _header = _fixture.BearerHeader;
        _floor = await RequestApp.StartAsync(services: null, requireAuthorization: false);
        _oursCold = await RequestApp.StartAsync(services => AddJwtSessions(services, cache: false), requireAuthorization: true);
        _oursCached = await RequestApp.StartAsync(services => AddJwtSessions(services, cache: true), requireAuthorization: true);
        _oursAnonymous = await RequestApp.StartAsync(services => AddJwtSessions(services, cache: true), requireAuthorization: false);
        _jwtBearer = await RequestApp.StartAsync(AddJwtBearer, requireAuthorization: true);

        await _floor.ExpectAsync(null, 200, "anonymous floor");
        await _oursAnonymous.ExpectAsync(null, 200, "anonymous through authentication");
        foreach (var (app, name) in new[] { (_oursCold, "JwtSessions cold"), (_oursCached, "JwtSessions cached"), (_jwtBearer, "JwtBearer") })
        {
            // The token passes, and a request without it is refused: the handler really is in the path.
            await app.ExpectAsync(_header, 200, name);
            await app.ExpectAsync(null, 401, name + " without a token");
        }
    }

    private async Task CleanupAsync()
    {
        foreach (var app in new[] { _floor, _oursCold, _oursCached, _oursAnonymous, _jwtBearer })
        {
            await app.DisposeAsync();
        }
    }

    private void AddJwtSessions(IServiceCollection services, bool cache)
    {
        services.AddJwtSessionsValidation(options =>
        {
            options.Issuer = BenchmarkFixture.Issuer;
            options.Audience = BenchmarkFixture.Audience;
            options.Keys = KeyRing.ForVerification(_fixture.VerificationKey);
            options.Cache = cache ? new VerifiedTokenCacheOptions() : null;
        });
        services.AddAuthentication(JwtSessionsBearerDefaults.AuthenticationScheme).AddJwtSessionsBearer();
        services.AddAuthorization();
    }

    private void AddJwtBearer(IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = _fixture.IdentityModelParameters;
        });
        services.AddAuthorization();
    }
}
