using System.Diagnostics.Metrics;
using System.Text;
using JwtSessions.Internal;
using JwtSessions.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JwtSessions.Remote;

/// <summary>
/// The keys of another service, fetched from the JWK set it publishes and kept current in the background: give it to a
/// validator (<see cref="Validation.TokenValidatorOptions.KeySource"/>) on a server that validates tokens it does not issue.
/// No validation ever waits on the network: a token naming a key not yet fetched is answered <c>unknown_key</c> at once, and
/// the fetch it asks for runs off the request path. docs/resource-servers.md describes the bounds.
/// </summary>
/// <remarks>
/// <para>
/// Refresh: at three quarters of the set's freshness lifetime (<c>Cache-Control: max-age</c> held between
/// <see cref="JwksKeySourceOptions.MinRefreshInterval"/> and <see cref="JwksKeySourceOptions.MaxRefreshInterval"/>, else
/// <see cref="JwksKeySourceOptions.RefreshInterval"/>), with <c>If-None-Match</c>; on an unknown <c>kid</c>, at most once per
/// <see cref="JwksKeySourceOptions.UnknownKeyCooldown"/>. A failed fetch is retried with doubling delays.
/// </para>
/// <para>
/// Import: the set must pass the library's strict JWK import (<see cref="KeyRing.FromJwks"/>: no duplicate or case-variant
/// member, no duplicate <c>kid</c>, no weak key) and hold public keys only (no private member, no symmetric key), or it is
/// refused whole and the current set stays. An unchanged key keeps its instance, so validators keep its cached tokens.
/// </para>
/// <para>
/// Failure: the last good set stays in use for <see cref="JwksKeySourceOptions.MaxStaleness"/> after its last successful
/// fetch, then the source holds no key and every token fails (fail closed) until a fetch succeeds. A disposed source holds
/// no key.
/// </para>
/// </remarks>
/// <threadsafety>Thread-safe. Dispose it to stop the background fetches.</threadsafety>
public sealed partial class JwksKeySource : KeyRingSource, IDisposable
{
    private const string Accept = "application/jwk-set+json, application/json";

    private readonly Uri _uri;
    private readonly JwksKeySourceOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly JwtSessionsMetrics _metrics;
    private readonly ITimer _refreshTimer;
    private readonly ITimer _cooldownTimer;
    private readonly ITimer _expiryTimer;
    private readonly Lock _swapLock = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _fetchLock = new();
    private Task<bool>? _inFlight;
    private string? _entityTag;
    private long _lastUnknownKeyFetchMs = long.MinValue;
    private long _lastSuccessMs = long.MinValue;
    private int _cooldownArmed;
    private int _failures;
    private int _disposing;

    /// <summary>Initializes a new instance of the <see cref="JwksKeySource"/> class and starts fetching the set at once, in the background.</summary>
    /// <param name="options">The configuration; copied and checked.</param>
    /// <param name="httpClient">
    /// The client to fetch with (dependency injection passes one from <c>IHttpClientFactory</c>, configured to follow no
    /// redirect); the caller keeps owning it. When null the source makes its own, which follows no redirect.
    /// </param>
    /// <param name="timeProvider">The clock and timers; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where fetches, failures and key-set changes are logged (key ids only, never key material); none when null.</param>
    /// <param name="meterFactory">Makes the meter the source reports on; the process-wide meter when null.</param>
    /// <exception cref="ArgumentException">The options are not valid (<see cref="JwksKeySourceOptions.Validate"/>).</exception>
    public JwksKeySource(
        JwksKeySourceOptions options,
        HttpClient? httpClient = null,
        TimeProvider? timeProvider = null,
        ILogger<JwksKeySource>? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _options = new JwksKeySourceOptions
        {
            JwksUri = options.JwksUri,
            RefreshInterval = options.RefreshInterval,
            MinRefreshInterval = options.MinRefreshInterval,
            MaxRefreshInterval = options.MaxRefreshInterval,
            UnknownKeyCooldown = options.UnknownKeyCooldown,
            MaxStaleness = options.MaxStaleness,
            RetryInterval = options.RetryInterval,
            RequestTimeout = options.RequestTimeout,
            MaxResponseBytes = options.MaxResponseBytes,
        };
        _uri = options.JwksUri!;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient(BoundedGet.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = JwtSessionsMetrics.Create(meterFactory);
        _metrics.ObserveJwksAge(this);
        _refreshTimer = _time.CreateTimer(static s => ((JwksKeySource)s!).StartFetch(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _cooldownTimer = _time.CreateTimer(static s => ((JwksKeySource)s!).OnCooldownEnded(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _expiryTimer = _time.CreateTimer(static s => ((JwksKeySource)s!).OnExpired(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        StartFetch();
    }

    /// <summary>Gets the JWK set URL.</summary>
    public Uri JwksUri => _uri;

    /// <summary>Gets the time of the last successful fetch (a new set, the same set, or a 304), or <see langword="null"/> before the first.</summary>
    public DateTimeOffset? LastSuccessfulFetch
        => Interlocked.Read(ref _lastSuccessMs) is var ms && ms == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>The fetch running now, if any; tests await it.</summary>
    internal Task<bool>? InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Fetches the set now, or joins the fetch already running, and reports whether the source holds a usable set after it.
    /// Awaiting it at start-up lets a server start serving only once it has keys; it never throws for a failed fetch.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the fetch itself keeps its own timeout).</param>
    /// <returns><see langword="true"/> when the fetch succeeded.</returns>
    public Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
        => StartFetch().WaitAsync(cancellationToken);

    /// <summary>
    /// Stops the background fetches and drops the set (its keys are released): nothing vouches for it any more, so a
    /// validator still holding the source fails closed (<c>unknown_key</c>) rather than trust it past
    /// <see cref="JwksKeySourceOptions.MaxStaleness"/>.
    /// </summary>
    public void Dispose()
    {
        // Once, even when two threads dispose together: the second would cancel a disposed token source.
        if (Interlocked.Exchange(ref _disposing, 1) != 0)
        {
            return;
        }

        lock (_swapLock)
        {
            // Under the lock a fetch publishes under, which checks for the disposal there: no set is published after this.
            _disposed.Cancel();
            Swap(KeyRing.ForVerification());
        }

        _refreshTimer.Dispose();
        _cooldownTimer.Dispose();
        _expiryTimer.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }

        _disposed.Dispose();
    }

    /// <summary>
    /// A token named a key the set lacks: fetch now if the last such fetch is a cooldown old, else once when the cooldown ends.
    /// On the request's thread: a clock read and a compare-and-swap, and never a wait.
    /// </summary>
    protected internal override void OnUnknownKey()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var last = Interlocked.Read(ref _lastUnknownKeyFetchMs);
        var cooldownMs = (long)_options.UnknownKeyCooldown.TotalMilliseconds;
        if (last != long.MinValue && now - last < cooldownMs)
        {
            if (Interlocked.Exchange(ref _cooldownArmed, 1) == 0 && !_disposed.IsCancellationRequested)
            {
                // Arm tolerates a dispose on another thread that released the timer since the check above.
                Arm(_cooldownTimer, TimeSpan.FromMilliseconds(last + cooldownMs - now));
            }

            return;
        }

        if (Interlocked.CompareExchange(ref _lastUnknownKeyFetchMs, now, last) == last)
        {
            _metrics.JwksUnknownKeyRefetch();
            Log.UnknownKeyRefetch(_logger, _uri);
            StartFetch();
        }
    }

    private void OnCooldownEnded()
    {
        Volatile.Write(ref _cooldownArmed, 0);
        OnUnknownKey();
    }

    private void OnExpired()
    {
        lock (_swapLock)
        {
            // Judged under the lock a fetch publishes (and stamps its success) under, so a set fetched just now is never dropped.
            var lastSuccess = Interlocked.Read(ref _lastSuccessMs);
            if (lastSuccess == long.MinValue || Current.Keys.Count == 0
                || _time.GetUtcNow().ToUnixTimeMilliseconds() - lastSuccess < (long)_options.MaxStaleness.TotalMilliseconds)
            {
                return;
            }

            Swap(KeyRing.ForVerification());
        }

        _metrics.JwksKeySetChanged();
        Log.Expired(_logger, _uri, _options.MaxStaleness);
    }

    /// <summary>Starts a fetch unless one is running, and returns the running one.</summary>
    private Task<bool> StartFetch()
    {
        lock (_fetchLock)
        {
            if (_inFlight is { IsCompleted: false } running)
            {
                return running;
            }

            if (_disposed.IsCancellationRequested)
            {
                return Task.FromResult(false);
            }

            // The fetch belongs to no request: it carries none of the caller's context (activity, ambient state).
            using (ExecutionContext.SuppressFlow())
            {
                return _inFlight = Task.Run(FetchAsync);
            }
        }
    }

    private async Task<bool> FetchAsync()
    {
        BoundedGet.Response response;
        try
        {
            response = await BoundedGet.SendAsync(
                _http, _uri, Volatile.Read(ref _entityTag), Accept, _options.MaxResponseBytes, _options.RequestTimeout, _time, _disposed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        if (response.Failure is { } failure)
        {
            return Failed(failure, detail: null);
        }

        if (response.NotModified)
        {
            if (Current.Keys.Count == 0)
            {
                // A 304 for a set this source no longer holds (expired): ask again without the tag.
                Volatile.Write(ref _entityTag, null);
                return Failed("not_modified_without_set", detail: null);
            }

            _metrics.JwksFetched("not_modified");
            return Succeeded(response);
        }

        KeyRing fetched;
        try
        {
            fetched = Import(response.Body!);
        }
        catch (InvalidSigningKeyException ex)
        {
            return Failed("invalid_set", ex.Message);
        }

        List<string> added, removed;
        lock (_swapLock)
        {
            if (_disposed.IsCancellationRequested)
            {
                // Disposed while fetching: the set was dropped for good.
                foreach (var key in fetched.Keys)
                {
                    key.Dispose();
                }

                return false;
            }

            var next = Merge(Current, fetched, out added, out removed);
            if (added.Count > 0 || removed.Count > 0)
            {
                Swap(next);
            }

            Interlocked.Exchange(ref _lastSuccessMs, _time.GetUtcNow().ToUnixTimeMilliseconds());
        }

        if (added.Count == 0 && removed.Count == 0)
        {
            _metrics.JwksFetched("unchanged");
        }
        else
        {
            _metrics.JwksFetched("changed");
            _metrics.JwksKeySetChanged();
            Log.KeySetChanged(_logger, _uri, string.Join(",", added), string.Join(",", removed));
        }

        Volatile.Write(ref _entityTag, response.EntityTag);
        return Succeeded(response);
    }

    private bool Succeeded(BoundedGet.Response response)
    {
        var now = _time.GetUtcNow();
        Interlocked.Exchange(ref _lastSuccessMs, now.ToUnixTimeMilliseconds());
        Volatile.Write(ref _failures, 0);
        var lifetime = response.MaxAge is { } maxAge
            ? TimeSpan.FromTicks(Math.Clamp(maxAge.Ticks, _options.MinRefreshInterval.Ticks, _options.MaxRefreshInterval.Ticks))
            : _options.RefreshInterval;
        Arm(_refreshTimer, lifetime * 0.75);
        Arm(_expiryTimer, _options.MaxStaleness);
        Log.Fetched(_logger, _uri, Current.Keys.Count, lifetime);
        return true;
    }

    private bool Failed(string reason, string? detail)
    {
        _metrics.JwksFetched("failed");
        _metrics.JwksFetchFailed(reason);
        var failures = Interlocked.Increment(ref _failures);
        var delay = TimeSpan.FromTicks(Math.Min(
            _options.RetryInterval.Ticks << Math.Min(failures - 1, 20),
            _options.RefreshInterval.Ticks));
        Arm(_refreshTimer, delay);
        Log.FetchFailed(_logger, _uri, reason, detail ?? string.Empty, Current.Keys.Count > 0, delay);
        return false;
    }

    private static void Arm(ITimer timer, TimeSpan dueTime)
    {
        try
        {
            timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile (a released system timer throws): a disposed source fetches nothing.
        }
    }

    /// <summary>The strict import, then public keys only: a set with a private member or a symmetric key is refused whole.</summary>
    internal static KeyRing Import(byte[] body)
    {
        string json;
        try
        {
            json = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidSigningKeyException("The JWK set is not valid UTF-8.", ex);
        }

        var ring = KeyRing.FromJwks(json);
        foreach (var key in ring.Keys)
        {
            if (key.CanSign || key.KeyType == SigningKeyType.Symmetric)
            {
                throw new InvalidSigningKeyException(
                    $"The key '{key.KeyId}' of the published set is private or symmetric: a published set holds public keys only.");
            }
        }

        return ring;
    }

    /// <summary>
    /// Publishes <paramref name="next"/> and disposes the keys of the previous ring it no longer holds; called under
    /// <see cref="_swapLock"/>, so a fetch and the expiry never publish a key the other has disposed. A validation that read
    /// the previous ring just before the swap and verifies with a removed key fails closed (the key refuses to verify once
    /// disposed); the issuer has withdrawn that key, and the next request gets <c>unknown_key</c>.
    /// </summary>
    private void Swap(KeyRing next)
    {
        var previous = Current;
        Publish(next);
        foreach (var key in previous.Keys)
        {
            if (!next.Keys.Contains(key))
            {
                key.Dispose();
            }
        }
    }

    /// <summary>The fetched ring, with the current instance of every key that did not change, so validators keep its cache entries.</summary>
    private static KeyRing Merge(KeyRing current, KeyRing fetched, out List<string> added, out List<string> removed)
    {
        added = [];
        removed = [];
        var keys = new List<SigningKey>(fetched.Keys.Count);
        foreach (var key in fetched.Keys)
        {
            var same = current.Keys.FirstOrDefault(k => k.KeyId == key.KeyId && k.Algorithm == key.Algorithm && k.ToJwk() == key.ToJwk());
            if (same is null)
            {
                added.Add(key.KeyId);
                keys.Add(key);
            }
            else
            {
                keys.Add(same);
                key.Dispose();
            }
        }

        foreach (var key in current.Keys)
        {
            if (!keys.Contains(key))
            {
                removed.Add(key.KeyId);
            }
        }

        return added.Count == 0 && removed.Count == 0 ? current : KeyRing.ForVerification(keys);
    }

    /// <summary>Seconds since the last successful fetch, for the <c>jwtsessions.jwks.age</c> gauge; null before the first or once disposed.</summary>
    internal double? AgeSeconds()
    {
        var last = Interlocked.Read(ref _lastSuccessMs);
        return last == long.MinValue || _disposed.IsCancellationRequested
            ? null
            : (_time.GetUtcNow().ToUnixTimeMilliseconds() - last) / 1000.0;
    }

    // The URL, key ids and failure reasons only: never key material.
    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Debug, "Fetched the JWK set of {JwksUri}: {KeyCount} keys, fresh for {Lifetime}.")]
        public static partial void Fetched(ILogger logger, Uri jwksUri, int keyCount, TimeSpan lifetime);

        [LoggerMessage(21, LogLevel.Information, "The JWK set of {JwksUri} changed: added [{Added}], removed [{Removed}].")]
        public static partial void KeySetChanged(ILogger logger, Uri jwksUri, string added, string removed);

        [LoggerMessage(22, LogLevel.Warning, "Fetching the JWK set of {JwksUri} failed ({Reason}) {Detail}; keeping the current set: {HasKeys}; next try in {RetryIn}.")]
        public static partial void FetchFailed(ILogger logger, Uri jwksUri, string reason, string detail, bool hasKeys, TimeSpan retryIn);

        [LoggerMessage(23, LogLevel.Information, "A token named a key the JWK set of {JwksUri} lacks: fetching it again.")]
        public static partial void UnknownKeyRefetch(ILogger logger, Uri jwksUri);

        [LoggerMessage(24, LogLevel.Error, "No fetch of the JWK set of {JwksUri} succeeded for {MaxStaleness}: the set is dropped and every token is rejected until one does.")]
        public static partial void Expired(ILogger logger, Uri jwksUri, TimeSpan maxStaleness);
    }
}
