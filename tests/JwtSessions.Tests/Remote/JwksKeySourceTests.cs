using System.Diagnostics.Metrics;
using System.Net;
using JwtSessions.Remote;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static JwtSessions.Tests.Remote.RemoteTokens;

namespace JwtSessions.Tests.Remote;

/// <summary>A resource server's keys from the issuer's JWK set, served by a real Kestrel server on 127.0.0.1; time is fake.</summary>
[NonParallelizable]
public sealed class JwksKeySourceTests
{
    private readonly List<IDisposable> _disposables = [];
    private IssuerServer _issuer = null!;
    private FakeTimeProvider _time = null!;
    private SigningKey _keyA = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _time = TestClock.Create();
        _keyA = NewKey("key-a");
        _issuer = await IssuerServer.StartAsync();
        _issuer.Jwks = Jwks(_keyA);
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        _disposables.Clear();
        await _issuer.DisposeAsync();
        _keyA.Dispose();
    }

    [Test]
    public async Task Dispose_SourceStillHeldByAValidator_SetDroppedNoLaterThanMaxStaleness()
    {
        var source = await LoadedSource(o => (o.MinRefreshInterval, o.RefreshInterval, o.MaxRefreshInterval, o.MaxStaleness)
            = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)));
        var validator = Validator(source, _time);
        _issuer.Jwks = null;

        source.Dispose();
        _time.Advance(TimeSpan.FromSeconds(61));

        validator.ValidateToken(Token(_keyA, _time)).Error.Should().Be(TokenValidationError.UnknownKey, "no fetch has vouched for the set for over MaxStaleness");
    }

    [Test]
    public void OnUnknownKey_DisposedBetweenItsCheckAndArmingTheCooldown_NeverThrowsOnTheRequestThread()
    {
        // The system timer throws on Change once disposed; a request that saw an unknown kid must not see that. The clock's
        // timers dispose the source from inside the first Change the test's thread makes: the narrowest interleaving.
        var timers = new DisposingTimers(_time, Environment.CurrentManagedThreadId);
        var source = Track(new JwksKeySource(Options(_issuer), httpClient: null, timers));
        timers.BeforeFirstChange = source.Dispose;
        source.OnUnknownKey();

        var act = source.OnUnknownKey;

        act.Should().NotThrow("the second unknown kid within the cooldown arms the cooldown timer, disposed meanwhile");
        timers.ChangesAfterDispose.Should().Be(1, "the timer was disposed when the source armed it");
        source.Current.Keys.Should().BeEmpty();
    }

    [Test]
    public async Task RefreshAsync_IssuerUp_LoadsTheSetAndTokensValidate()
    {
        var source = Source();

        (await source.RefreshAsync()).Should().BeTrue();

        source.Current.Keys.Select(static k => k.KeyId).Should().Equal("key-a");
        source.Current.Keys.Should().OnlyContain(static k => !k.CanSign);
        source.LastSuccessfulFetch.Should().Be(_time.GetUtcNow());
        Validator(source, _time).ValidateToken(Token(_keyA, _time)).Error.Should().Be(TokenValidationError.None);
    }

    [Test]
    public async Task Validate_IssuerRotates_NewKeyAnsweredUnknownKeyAtOnceThenValidAfterOneFetch()
    {
        var source = await LoadedSource();
        var validator = Validator(source, _time);
        var keyB = NewKey("key-b");
        _issuer.Jwks = Jwks(_keyA, keyB);
        var requests = _issuer.JwksRequests;

        var tokenB = Token(keyB, _time);
        validator.ValidateToken(Token(_keyA, _time)).IsValid.Should().BeTrue();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        validator.ValidateToken(tokenB).Error.Should().Be(TokenValidationError.UnknownKey, "the request is answered at once, never held for the fetch");
        var answered = watch.Elapsed;
        (await FetchAsync(source)).Should().BeTrue();
        TestContext.Out.WriteLine($"unknown kid answered in {answered.TotalMilliseconds:F2} ms; new key usable {watch.Elapsed.TotalMilliseconds:F1} ms after it");

        _issuer.JwksRequests.Should().Be(requests + 1);
        validator.ValidateToken(Token(keyB, _time)).IsValid.Should().BeTrue();
        validator.ValidateToken(Token(_keyA, _time)).IsValid.Should().BeTrue();
    }

    [Test]
    public async Task Validate_SecondRotationWithinTheCooldown_SeenWhenTheCooldownEnds()
    {
        var source = await LoadedSource();
        var validator = Validator(source, _time);
        var keyB = NewKey("key-b");
        _issuer.Jwks = Jwks(_keyA, keyB);
        validator.ValidateToken(Token(keyB, _time)).Error.Should().Be(TokenValidationError.UnknownKey);
        await FetchAsync(source);
        var keyC = NewKey("key-c");
        _issuer.Jwks = Jwks(_keyA, keyB, keyC);
        var requests = _issuer.JwksRequests;

        _time.Advance(TimeSpan.FromSeconds(10));
        validator.ValidateToken(Token(keyC, _time)).Error.Should().Be(TokenValidationError.UnknownKey);
        source.InFlight!.IsCompleted.Should().BeTrue("within the cooldown no fetch starts on the request");
        _time.Advance(TimeSpan.FromSeconds(20) - TimeSpan.FromMilliseconds(1));
        _issuer.JwksRequests.Should().Be(requests);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        (await FetchAsync(source)).Should().BeTrue();

        _issuer.JwksRequests.Should().Be(requests + 1);
        validator.ValidateToken(Token(keyC, _time)).IsValid.Should().BeTrue("the rotation is seen 30 s (one cooldown) after the first rotation's fetch");
    }

    [Test]
    public async Task Validate_ThousandTokensWithRandomKeyIds_AtMostOneFetchPerCooldown()
    {
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = meters.GetRequiredService<IMeterFactory>();
        var refetches = 0L;
        using var listener = Listen(factory, "jwtsessions.jwks.unknown_key_refetches", value => Interlocked.Add(ref refetches, value));
        var source = await LoadedSource(meterFactory: factory);
        var validator = Validator(source, _time);
        var jwks = _issuer.Jwks!;
        var fetchedAt = new System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>();
        _issuer.JwksHandler = context =>
        {
            fetchedAt.Enqueue(_time.GetUtcNow());
            return context.Response.WriteAsync(jwks);
        };

        for (var window = 0; window < 3; window++)
        {
            var errors = new TokenValidationError[1000];
            Parallel.For(0, errors.Length, i => errors[i] = validator.ValidateToken(Token(_keyA, _time, RandomKeyId())).Error);
            errors.Should().OnlyContain(static e => e == TokenValidationError.UnknownKey, "every request is answered at once");
            await (source.InFlight ?? Task.FromResult(true));
            _time.Advance(TimeSpan.FromSeconds(30));
            await (source.InFlight ?? Task.FromResult(true));
        }

        // 3,000 requests over 90 s: the first unknown kid fetches at once, the others of each cooldown share one fetch at its end.
        var start = TestClock.Start;
        fetchedAt.Should().Equal(start, start.AddSeconds(30), start.AddSeconds(60), start.AddSeconds(90));
        Interlocked.Read(ref refetches).Should().Be(4);
        validator.ValidateToken(Token(_keyA, _time)).IsValid.Should().BeTrue();
    }

    [Test]
    public async Task Validate_IssuerDownAtStartUp_UnknownKeyUntilItComesUpThenValid()
    {
        var port = _issuer.Port;
        await _issuer.DisposeAsync();
        var source = Source(o => o.JwksUri = new Uri($"http://127.0.0.1:{port}/jwks"));
        var validator = Validator(source, _time);

        (await FetchAsync(source)).Should().BeFalse();
        validator.ValidateToken(Token(_keyA, _time)).Error.Should().Be(TokenValidationError.UnknownKey, "no key yet: fail closed");
        source.Current.Keys.Should().BeEmpty();

        _issuer = await IssuerServer.StartAsync(port);
        _issuer.Jwks = Jwks(_keyA);
        // The retries back off (5 s, 10 s, ...); a request's unknown kid may have spent one more failed fetch while the
        // issuer was down, so the recovery is the first retry after it came up, at most a few back-off steps away.
        var retry = new JwksKeySourceOptions().RetryInterval;
        var recovered = false;
        for (var step = 0; step < 4 && !recovered; step++)
        {
            _time.Advance(retry * (1 << step));
            recovered = source.InFlight is { } fetch && await fetch.WaitAsync(TimeSpan.FromSeconds(30));
        }

        recovered.Should().BeTrue("a retry after the issuer came up finds it");

        validator.ValidateToken(Token(_keyA, _time)).IsValid.Should().BeTrue();
    }

    [Test]
    public async Task Validate_IssuerDownLater_KeepsTheLastGoodSetForMaxStalenessThenFailsClosedThenRecovers()
    {
        var source = await LoadedSource(o => (o.MinRefreshInterval, o.RefreshInterval, o.MaxRefreshInterval, o.MaxStaleness, o.RetryInterval)
            = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1)));
        var validator = Validator(source, _time);
        _issuer.Jwks = null;

        for (var second = 1; second < 60; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            if (source.InFlight is { IsCompleted: false } fetch)
            {
                (await fetch).Should().BeFalse();
            }

            validator.ValidateToken(Token(_keyA, _time)).IsValid.Should().BeTrue($"the last good set is kept for 60 s (at {second} s)");
        }

        var held = source.Current.Keys.Single();
        _time.Advance(TimeSpan.FromSeconds(1));
        validator.ValidateToken(Token(_keyA, _time)).Error.Should().Be(TokenValidationError.UnknownKey, "60 s after the last successful fetch the set is dropped");
        source.Current.Keys.Should().BeEmpty();
        held.IsDisposed.Should().BeTrue("the dropped set's keys are released");

        // The issuer comes back. Recovery is the first background retry after that: retries back off up to the refresh
        // interval (10 s here), and a fetch started while the issuer was down may still be failing, so move the clock a
        // second at a time, each fetch awaited, until the key is back.
        _issuer.Jwks = Jwks(_keyA);
        var recoveredAfter = TimeSpan.Zero;
        while (!validator.ValidateToken(Token(_keyA, _time)).IsValid)
        {
            recoveredAfter.Should().BeLessThan(TimeSpan.FromSeconds(21), "a retry comes within one refresh interval of the issuer's return, plus one failing fetch");
            if (source.InFlight is { IsCompleted: false } running)
            {
                await running.WaitAsync(TimeSpan.FromSeconds(30));
            }

            _time.Advance(TimeSpan.FromSeconds(1));
            recoveredAfter += TimeSpan.FromSeconds(1);
            if (source.InFlight is { IsCompleted: false } fetch)
            {
                await fetch.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task RefreshAsync_SlowResponse_TimesOutOnTheFakeClockKeepsTheSetAndNeverHoldsARequest(bool afterHeaders)
    {
        var source = await LoadedSource();
        var validator = Validator(source, _time);
        var previous = source.Current;
        _issuer.JwksHandler = async context =>
        {
            if (afterHeaders)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"keys\":[");
                await context.Response.Body.FlushAsync();
            }

            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        };
        var arrived = _issuer.JwksRequestArrived.Task;

        var refresh = source.RefreshAsync();
        await arrived;
        validator.ValidateToken(Token(_keyA, _time)).IsValid.Should().BeTrue("validation never waits on the fetch");
        refresh.IsCompleted.Should().BeFalse();
        _time.Advance(new JwksKeySourceOptions().RequestTimeout);

        (await refresh.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeFalse();
        source.Current.Should().BeSameAs(previous);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task RefreshAsync_HugeResponse_RefusedAtTheCapAndTheSetKept(bool declaresLength)
    {
        var source = await LoadedSource();
        var previous = source.Current;
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)' ');
        _issuer.JwksHandler = async context =>
        {
            if (declaresLength)
            {
                context.Response.ContentLength = 64L * 1024 * 1024;
            }

            try
            {
                for (var i = 0; i < 1024; i++)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client stopped reading at its cap.
            }
        };

        (await source.RefreshAsync()).Should().BeFalse();

        source.Current.Should().BeSameAs(previous);
    }

    [Test]
    public async Task RefreshAsync_Redirect_NotFollowed()
    {
        var source = await LoadedSource();
        var previous = source.Current;
        _issuer.JwksHandler = context =>
        {
            context.Response.Redirect("/elsewhere");
            return Task.CompletedTask;
        };

        (await source.RefreshAsync()).Should().BeFalse();

        source.Current.Should().BeSameAs(previous);
    }

    [Test]
    public async Task RefreshAsync_ClientThatFollowsRedirects_ResponseForAnotherUrlRefused()
    {
        using var following = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true });
        var source = Track(new JwksKeySource(Options(_issuer), following, _time, logger: SuiteLogs.For<JwksKeySource>()));
        (await source.RefreshAsync()).Should().BeTrue();
        var previous = source.Current;
        _issuer.JwksHandler = context =>
        {
            // Redirected to itself with a query: the same server answers, so only the URL comparison can refuse it.
            if (!context.Request.QueryString.HasValue)
            {
                context.Response.Redirect("/jwks?moved=1");
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync(Jwks(NewKey("attacker")));
        };

        (await source.RefreshAsync()).Should().BeFalse();

        source.Current.Should().BeSameAs(previous);
    }

    [TestCaseSource(nameof(MaliciousSets))]
    public async Task RefreshAsync_MaliciousSet_RefusedWholeAndThePreviousSetKept(string name, Func<SigningKey, string> makeSet)
    {
        var source = await LoadedSource();
        var validator = Validator(source, _time);
        var previous = source.Current;
        _issuer.Jwks = makeSet(_keyA);

        (await source.RefreshAsync()).Should().BeFalse(name);

        source.Current.Should().BeSameAs(previous);
        validator.ValidateToken(Token(_keyA, _time)).IsValid.Should().BeTrue();
    }

    [Test]
    public async Task Validate_KeyRemovedAtTheIssuer_CachedTokensOfItRejectedAndOthersStayCached()
    {
        var keyB = NewKey("key-b");
        _issuer.Jwks = Jwks(_keyA, keyB);
        var source = await LoadedSource();
        var validator = Validator(source, _time, o => o.Cache = new VerifiedTokenCacheOptions());
        var tokenA = Token(_keyA, _time);
        var tokenB = Token(keyB, _time);
        validator.ValidateToken(tokenA).IsValid.Should().BeTrue();
        validator.ValidateToken(tokenB).IsValid.Should().BeTrue();
        validator.CachedTokenCount.Should().Be(2);
        var keptB = source.Current.Keys.Single(static k => k.KeyId == "key-b");
        var removedA = source.Current.Keys.Single(k => k.KeyId == _keyA.KeyId);

        _issuer.Jwks = Jwks(keyB);
        (await source.RefreshAsync()).Should().BeTrue();

        removedA.IsDisposed.Should().BeTrue("a key the issuer withdrew is released at the swap, not left to the finalizer");
        keptB.IsDisposed.Should().BeFalse();

        validator.ValidateToken(tokenA).Error.Should().Be(TokenValidationError.UnknownKey, "a removed key's tokens stop validating, cached or not");
        validator.CachedTokenCount.Should().Be(1, "the entry of the kept key survives the swap");
        source.Current.Keys.Should().ContainSingle().Which.Should().BeSameAs(keptB, "an unchanged key keeps its instance");
        validator.ValidateToken(tokenB).IsValid.Should().BeTrue();
    }

    [Test]
    public async Task RefreshAsync_SameSetAgain_NoKeySetChange()
    {
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = meters.GetRequiredService<IMeterFactory>();
        var changes = 0L;
        using var listener = Listen(factory, "jwtsessions.jwks.changes", value => Interlocked.Add(ref changes, value));
        var source = await LoadedSource(meterFactory: factory);
        var previous = source.Current;

        (await source.RefreshAsync()).Should().BeTrue();

        source.Current.Should().BeSameAs(previous);
        Interlocked.Read(ref changes).Should().Be(1, "the first load changed the set, the same set again did not");
    }

    [TestCase("max-age=120", 90)]
    [TestCase("max-age=5", 45)]
    [TestCase("public, max-age=86400", 2700)]
    [TestCase(null, 450)]
    public async Task Refresh_CacheControl_NextFetchAtThreeQuartersOfTheClampedLifetime(string? cacheControl, int refreshSeconds)
    {
        _issuer.CacheControl = cacheControl;
        var source = await LoadedSource();
        var requests = _issuer.JwksRequests;

        _time.Advance(TimeSpan.FromSeconds(refreshSeconds) - TimeSpan.FromMilliseconds(1));
        _issuer.JwksRequests.Should().Be(requests);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        (await FetchAsync(source)).Should().BeTrue();

        _issuer.JwksRequests.Should().Be(requests + 1);
    }

    [Test]
    public async Task Metrics_FetchesFailuresAndAge_Reported()
    {
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = meters.GetRequiredService<IMeterFactory>();
        var outcomes = new List<string>();
        using var listener = Listen(factory, "jwtsessions.jwks.fetches", (_, tags) => outcomes.Add((string)tags["outcome"]!));
        var source = await LoadedSource(meterFactory: factory);
        _issuer.Jwks = null;
        (await source.RefreshAsync()).Should().BeFalse();
        _time.Advance(TimeSpan.FromSeconds(42));

        var ages = new List<double>();
        using var gauge = new MeterListener();
        gauge.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name == "jwtsessions.jwks.age")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        gauge.SetMeasurementEventCallback<double>((_, value, _, _) => ages.Add(value));
        gauge.Start();
        gauge.RecordObservableInstruments();

        lock (outcomes)
        {
            outcomes.Should().HaveCountGreaterThanOrEqualTo(2).And.StartWith("changed");
            outcomes.Skip(1).Should().OnlyContain(static o => o == "failed", "the failed fetch and its retries while the clock moved");
        }

        ages.Should().Equal(42.0);
    }

    [TestCase("http://issuer.example/jwks", false)]
    [TestCase("https://issuer.example/jwks", true)]
    [TestCase("http://127.0.0.1:8080/jwks", true)]
    [TestCase("http://localhost/jwks", true)]
    [TestCase("https://user:secret@issuer.example/jwks", false)]
    [TestCase("ftp://issuer.example/jwks", false)]
    public void Validate_JwksUri_HttpsOrLoopbackOnly(string uri, bool valid)
    {
        var options = new JwksKeySourceOptions { JwksUri = new Uri(uri) };

        options.Validate().Should().HaveCount(valid ? 0 : 1);
    }

    [Test]
    public void Validate_BoundsOutOfRange_NamesEverySetting()
    {
        var options = new JwksKeySourceOptions
        {
            MinRefreshInterval = TimeSpan.Zero,
            UnknownKeyCooldown = TimeSpan.Zero,
            MaxStaleness = TimeSpan.FromSeconds(1),
            RetryInterval = TimeSpan.Zero,
            RequestTimeout = TimeSpan.FromHours(1),
            MaxResponseBytes = 10,
        };

        options.Validate().Should().Contain(p => p.StartsWith("JwksUri", StringComparison.Ordinal))
            .And.Contain(p => p.StartsWith("MinRefreshInterval", StringComparison.Ordinal))
            .And.Contain(p => p.StartsWith("UnknownKeyCooldown", StringComparison.Ordinal))
            .And.Contain(p => p.StartsWith("MaxStaleness", StringComparison.Ordinal))
            .And.Contain(p => p.StartsWith("RetryInterval", StringComparison.Ordinal))
            .And.Contain(p => p.StartsWith("RequestTimeout", StringComparison.Ordinal))
            .And.Contain(p => p.StartsWith("MaxResponseBytes", StringComparison.Ordinal));
        var act = () => new JwksKeySource(options, logger: SuiteLogs.For<JwksKeySource>());
        act.Should().Throw<ArgumentException>().WithMessage("*JwksUri*");
    }

    [Test]
    public void ValidatorOptions_KeysAndKeySourceBoth_Refused()
    {
        var options = new TokenValidatorOptions { Issuer = "i", Keys = KeyRing.ForVerification(TestKeys.Es256), KeySource = new StaticSource() };
        options.Audiences.Add("a");

        options.Validate().Should().Contain("Set either a key ring (Keys) or a key source (KeySource), not both.");
    }

    private static IEnumerable<TestCaseData> MaliciousSets()
    {
        static string Set(params string[] keys) => $$"""{"keys":[{{string.Join(",", keys)}}]}""";
        yield return Case("PrivateMember", key => Set(NewKey(key.KeyId).ToJwk(includePrivateKey: true)));
        yield return Case("PrivateMemberBesideAGoodKey", key => Set(key.ToJwk(), NewKey("other").ToJwk(includePrivateKey: true)));
        yield return Case("DuplicateKid", key => Set(key.ToJwk(), NewKey(key.KeyId).ToJwk()));
        yield return Case("CaseVariantMember", key => Set(key.ToJwk().Replace("{", "{\"D\":\"AAAA\",", StringComparison.Ordinal)));
        yield return Case("WeakRsaKey", _ => Set(WeakRsaJwk()));
        yield return Case("SymmetricKey", _ => Set("""{"kty":"oct","kid":"sym","alg":"HS256","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"""));
        yield return Case("DuplicateKeysMember", key => $$"""{"keys":[{{key.ToJwk()}}],"keys":[]}""");
        yield return Case("NoKeys", _ => """{"keys":[]}""");
        yield return Case("NotJson", _ => "<html>maintenance</html>");

        static TestCaseData Case(string name, Func<SigningKey, string> makeSet) => new TestCaseData(name, makeSet).SetName($"RefreshAsync_MaliciousSet_{name}_RefusedWholeAndThePreviousSetKept");
    }

    private static string WeakRsaJwk()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(1024);
        var p = rsa.ExportParameters(false);
        return $$"""{"kty":"RSA","kid":"weak","alg":"RS256","use":"sig","n":"{{RawToken.B64(p.Modulus!)}}","e":"{{RawToken.B64(p.Exponent!)}}"}""";
    }

    private static MeterListener Listen(IMeterFactory factory, string name, Action<long> onValue)
        => Listen(factory, name, (value, _) => onValue(value));

    private static MeterListener Listen(IMeterFactory factory, string name, Action<long, Dictionary<string, object?>> onValue)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name == name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }

            onValue(value, map);
        });
        listener.Start();
        return listener;
    }

    private JwksKeySource Source(Action<JwksKeySourceOptions>? configure = null, IMeterFactory? meterFactory = null)
        => Track(new JwksKeySource(Options(_issuer, configure), httpClient: null, _time, logger: SuiteLogs.For<JwksKeySource>(), meterFactory));

    private async Task<JwksKeySource> LoadedSource(Action<JwksKeySourceOptions>? configure = null, IMeterFactory? meterFactory = null)
    {
        var source = Source(configure, meterFactory);
        (await source.RefreshAsync()).Should().BeTrue("the issuer is up");
        return source;
    }

    private T Track<T>(T disposable)
        where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    private sealed class StaticSource : KeyRingSource;

    /// <summary>
    /// Timers of a fake clock that throw on <see cref="ITimer.Change"/> once disposed, as the system's do, and that run
    /// <see cref="BeforeFirstChange"/> at the first change made on one thread, before carrying it out.
    /// </summary>
    private sealed class DisposingTimers(TimeProvider inner, int threadId) : TimeProvider
    {
        private readonly int _threadId = threadId;
        private int _changesAfterDispose;
        private Action? _beforeFirstChange;

        public Action? BeforeFirstChange { set => _beforeFirstChange = value; }

        public int ChangesAfterDispose => Volatile.Read(ref _changesAfterDispose);

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
            => new Timer(this, inner.CreateTimer(callback, state, dueTime, period));

        private sealed class Timer(DisposingTimers owner, ITimer inner) : ITimer
        {
            private volatile bool _disposed;

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                if (Environment.CurrentManagedThreadId == owner._threadId)
                {
                    Interlocked.Exchange(ref owner._beforeFirstChange, null)?.Invoke();
                }

                if (_disposed)
                {
                    Interlocked.Increment(ref owner._changesAfterDispose);
                    throw new ObjectDisposedException(nameof(ITimer));
                }

                return inner.Change(dueTime, period);
            }

            public void Dispose()
            {
                _disposed = true;
                inner.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
