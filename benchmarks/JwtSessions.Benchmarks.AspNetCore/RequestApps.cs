using JwtSessions.AspNetCore.Authentication;
using JwtSessions.Benchmarks;
using JwtSessions.Signing;
using JwtSessions.Validation;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;

namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>
/// One app per <see cref="RequestCase"/>, all answering the same <c>GET /orders</c>, checked before anything is measured: the
/// token passes where it must, and a request without it is refused where authentication is required (the handler really is
/// in the path).
/// </summary>
/// <remarks>
/// JwtSessions validates with <c>AddJwtSessionsValidation</c> (the issuer's public key, no session store: like JwtBearer, no
/// revocation check) and <c>AddJwtSessionsBearer</c>. JwtBearer runs with its defaults (the <c>JsonWebTokenHandler</c>,
/// <c>SaveToken</c>) and <c>MapInboundClaims = false</c>, so both read the same claim names; its parameters: the same
/// issuer, audience, key, type <c>at+jwt</c> and algorithm, 30 s skew. The authenticated floor sends the same header, which
/// its handler never reads; it admits a request without one too, so only its 200 is checked.
/// </remarks>
internal sealed class RequestApps : IAsyncDisposable
{
    private readonly Dictionary<RequestCase, RequestApp> _apps;

    private RequestApps(BenchmarkFixture fixture, Dictionary<RequestCase, RequestApp> apps)
    {
        Fixture = fixture;
        _apps = apps;
    }

    public BenchmarkFixture Fixture { get; }

    public RequestApp this[RequestCase requestCase] => _apps[requestCase];

    /// <summary>The header each case sends: the bearer token, or none for the anonymous cases.</summary>
    public string? HeaderFor(RequestCase requestCase)
        => requestCase is RequestCase.Anonymous or RequestCase.AnonymousThroughAuthentication ? null : Fixture.BearerHeader;

    /// <summary>Starts the six apps for <paramref name="algorithm"/> (HS256 or ES256) and checks them.</summary>
    public static async Task<RequestApps> StartAsync(JwtAlgorithm algorithm, RequestHost host)
    {
        if (algorithm is not (JwtAlgorithm.HS256 or JwtAlgorithm.ES256))
        {
            throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "The request benchmark covers HS256 and ES256.");
        }

        var fixture = BenchmarkFixture.Create(algorithm);
        var apps = new Dictionary<RequestCase, RequestApp>
        {
            [RequestCase.Anonymous] = await RequestApp.StartAsync(null, requireAuthorization: false, host),
            [RequestCase.AnonymousThroughAuthentication] = await RequestApp.StartAsync(s => AddJwtSessions(s, fixture, cache: true), requireAuthorization: false, host),
            [RequestCase.AuthenticatedFloor] = await RequestApp.StartAsync(AddStaticTicket, requireAuthorization: true, host),
            [RequestCase.JwtSessionsCold] = await RequestApp.StartAsync(s => AddJwtSessions(s, fixture, cache: false), requireAuthorization: true, host),
            [RequestCase.JwtSessionsCached] = await RequestApp.StartAsync(s => AddJwtSessions(s, fixture, cache: true), requireAuthorization: true, host),
            [RequestCase.JwtBearer] = await RequestApp.StartAsync(s => AddJwtBearer(s, fixture), requireAuthorization: true, host),
        };
        var started = new RequestApps(fixture, apps);
        foreach (var (requestCase, app) in apps)
        {
            await app.ExpectAsync(started.HeaderFor(requestCase), 200, requestCase.ToString());
            if (started.HeaderFor(requestCase) is not null && requestCase != RequestCase.AuthenticatedFloor)
            {
                await app.ExpectAsync(null, 401, requestCase + " without a token");
            }
        }

        return started;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            await app.DisposeAsync();
        }
    }

    private static void AddJwtSessions(IServiceCollection services, BenchmarkFixture fixture, bool cache)
    {
        services.AddJwtSessionsValidation(options =>
        {
            options.Issuer = BenchmarkFixture.Issuer;
            options.Audience = BenchmarkFixture.Audience;
            options.Keys = KeyRing.ForVerification(fixture.VerificationKey);
            options.Cache = cache ? new VerifiedTokenCacheOptions() : null;
        });
        services.AddAuthentication(JwtSessionsBearerDefaults.AuthenticationScheme).AddJwtSessionsBearer();
        services.AddAuthorization();
    }

    private static void AddStaticTicket(IServiceCollection services)
    {
        services.AddSingleton<StaticTicketHandler>();
        services.AddAuthentication(options =>
        {
            options.DefaultScheme = StaticTicketHandler.Scheme;
            options.AddScheme<StaticTicketHandler>(StaticTicketHandler.Scheme, displayName: null);
        });
        services.AddAuthorization();
    }

    private static void AddJwtBearer(IServiceCollection services, BenchmarkFixture fixture)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = fixture.IdentityModelParameters;
        });
        services.AddAuthorization();
    }
}
