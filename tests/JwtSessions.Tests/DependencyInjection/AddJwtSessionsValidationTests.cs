using System.Diagnostics.Metrics;
using JwtSessions.Revocation;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JwtSessions.Tests.DependencyInjection;

/// <summary>A server that only validates: the issuer's public keys, no signing key, revocations from the shared store.</summary>
public sealed class AddJwtSessionsValidationTests
{
    [Test]
    public async Task AddJwtSessionsValidation_PublicKeysAndTheSharedStore_AcceptsLiveTokensAndRejectsRevokedOnes()
    {
        var time = TestClock.Create();
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time });
        var signingKeys = KeyRing.Create(TestKeys.Es256);
        using var issuer = new SessionManager(
            new SessionManagerOptions { Issuer = RawToken.Issuer, Audience = RawToken.Audience, AccessTokenKeys = signingKeys },
            store,
            timeProvider: time, logger: SuiteLogs.For<SessionManager>());
        var services = SuiteLogs.Services();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<ISessionStore>(store);
        services.AddJwtSessionsValidation(o =>
        {
            o.Issuer = RawToken.Issuer;
            o.Audience = RawToken.Audience;
            o.Keys = KeyRing.FromJwks(signingKeys.ToJwks());
        });
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var validator = provider.GetRequiredService<TokenValidator>();
        var live = await issuer.StartSessionAsync("alice");
        var revoked = await issuer.StartSessionAsync("bob");

        await issuer.RevokeAsync(revoked.SessionId);

        validator.ValidateAuthorizationHeader("Bearer " + live.AccessToken).Subject.Should().Be("alice");
        validator.ValidateAuthorizationHeader("Bearer " + revoked.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        validator.Keys.Keys.Should().OnlyContain(static k => !k.CanSign, "the validating server holds no private key");
        provider.GetService<SessionManager>().Should().BeNull();
    }

    [Test]
    public async Task AddJwtSessionsValidation_WithoutAStore_ValidatesWithoutARevocationFeed()
    {
        var time = TestClock.Create();
        var signingKeys = KeyRing.Create(TestKeys.Es256);
        using var issuer = new SessionManager(
            new SessionManagerOptions { Issuer = RawToken.Issuer, Audience = RawToken.Audience, AccessTokenKeys = signingKeys },
            timeProvider: time, logger: SuiteLogs.For<SessionManager>());
        var services = SuiteLogs.Services();
        services.AddSingleton<TimeProvider>(time);
        services.AddJwtSessionsValidation(o =>
        {
            o.Issuer = RawToken.Issuer;
            o.Audience = RawToken.Audience;
            o.Keys = KeyRing.FromJwks(signingKeys.ToJwks());
        });
        using var provider = services.BuildServiceProvider();
        var tokens = await issuer.StartSessionAsync("alice");

        provider.GetRequiredService<TokenValidator>().ValidateAuthorizationHeader("Bearer " + tokens.AccessToken).Subject.Should().Be("alice");
        var feed = () => provider.GetRequiredService<RevocationFeed>();
        feed.Should().Throw<InvalidOperationException>().WithMessage("*register one*");
    }

    [Test]
    public void AddJwtSessionsValidation_MissingKeysAndAudience_FailsAtStartupNamingEach()
    {
        var services = SuiteLogs.Services();
        services.AddJwtSessionsValidation(o => o.Issuer = RawToken.Issuer);
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage("*Set one of Keys (the issuer's public keys) and RemoteKeys*");
    }

    [Test]
    public void AddJwtSessionsValidation_NoAudience_FailsAtStartupWithTheValidatorsRule()
    {
        var services = SuiteLogs.Services();
        services.AddJwtSessionsValidation(o =>
        {
            o.Issuer = RawToken.Issuer;
            o.Keys = KeyRing.Create(TestKeys.Es256);
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage("*audience is required*");
    }

    [Test]
    public async Task AddJwtSessions_MeterFactoryInTheContainer_CountsOnTheHostsMeter()
    {
        using var hostMeterFactory = new TestMeterFactory();
        var services = SuiteLogs.Services();
        services.AddSingleton<IMeterFactory>(hostMeterFactory);
        services.AddJwtSessions(o =>
        {
            o.Issuer = RawToken.Issuer;
            o.Audience = RawToken.Audience;
            o.AccessTokenKeys = KeyRing.Create(TestKeys.Es256);
        });
        using var provider = services.BuildServiceProvider();
        var started = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only the meter the host's factory made: the process-wide meter of the same name must not count this manager.
            if (instrument.Meter.Name == JwtSessionsTelemetry.MeterName && instrument.Meter.Scope == hostMeterFactory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "jwtsessions.sessions.started")
            {
                Interlocked.Add(ref started, value);
            }
        });
        listener.Start();

        await provider.GetRequiredService<SessionManager>().StartSessionAsync("alice");

        Interlocked.Read(ref started).Should().Be(1);
    }

    [Test]
    public void SessionManagerOptions_Validate_ListsEveryProblemNamingTheSetting()
    {
        var options = new SessionManagerOptions { Audience = RawToken.Audience, RefreshAudience = RawToken.Audience };

        var problems = options.Validate();

        problems.Should().BeEquivalentTo(
            "Issuer is required.",
            "AccessTokenKeys is required.",
            "RefreshAudience must differ from Audience: refresh tokens need an audience of their own.");
    }

    [Test]
    public void SessionManagerOptions_Validate_ReportsTheIssuersAndValidatorsRules()
    {
        var options = new SessionManagerOptions
        {
            Issuer = RawToken.Issuer,
            Audience = RawToken.Audience,
            AccessTokenKeys = KeyRing.ForVerification(TestKeys.Es256.ToPublicKey()),
            ClockSkew = TimeSpan.FromHours(1),
        };

        var problems = options.Validate();

        problems.Should().HaveCountGreaterThanOrEqualTo(2);
        problems.Should().Contain(p => p.Contains("sign", StringComparison.OrdinalIgnoreCase), "a verification-only ring cannot issue");
        problems.Should().Contain(p => p.Contains("skew", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A host's meter factory: meters scoped to it, disposed with it.</summary>
    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            options.Scope = this;
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(static m => m.Dispose());
    }
}
