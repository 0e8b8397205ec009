using System.Diagnostics.Metrics;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using JwtSessions.Internal;
using JwtSessions.Sessions;
using JwtSessions.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JwtSessions.Anomalies;

/// <summary>
/// Sees attacks on sessions per client key (a remote address or a device id, as the host supplies it) within a fixed
/// memory budget: brute force and session-id guessing, token theft (refresh-token reuse), and floods of rejected requests.
/// It raises <see cref="AnomalyDetected"/>, can block a key for a while (<see cref="Block"/>, <see cref="IsBlocked(ReadOnlySpan{char})"/>),
/// and lets the application throttle, ask for step-up or revoke.
/// </summary>
/// <remarks>
/// <para>
/// Counts live in count-min sketches of sliding-window cells (conservative update, four rows), allocated once within
/// <see cref="AnomalyDetectorOptions.MemoryBudgetBytes"/>: a flood of a million distinct keys costs no more memory than
/// one key, and recording a signal or looking up a block allocates nothing. A sketch never undercounts, so an attack is
/// never missed; it may overcount a quiet key that shares its counters with busy ones in every row, a false positive whose
/// rate docs/observability.md measures.
/// </para>
/// <para>
/// Keys are hashed with XXH3 under a 64-bit seed drawn from <see cref="RandomNumberGenerator"/> for each detector: an
/// attacker who cannot learn the seed cannot compute which keys share counters, so cannot aim collisions at a victim's
/// key to get it flagged or blocked (as an unseeded or fixed-seed hash would allow). XXH3 is not a cryptographic MAC, but
/// the seed stays in the process and no output of the hash leaves it.
/// </para>
/// </remarks>
/// <threadsafety>Thread-safe: share one instance per application.</threadsafety>
public sealed partial class AnomalyDetector
{
    private const int BruteForceFamily = 0;
    private const int FloodFamily = 1;
    private const int Families = 2;

    private readonly AnomalyDetectorOptions _options;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly long _cellTicks;
    private readonly long _seed;
    private readonly SlidingCountMinSketch _sketch;
    private readonly BlockTable _blocks;
    private readonly ILogger _logger;
    private readonly JwtSessionsMetrics _metrics;

    /// <summary>Initializes a new instance of the <see cref="AnomalyDetector"/> class.</summary>
    /// <param name="options">The thresholds, window and budget; copied and checked (<see cref="AnomalyDetectorOptions.Validate"/>).</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Logs each anomaly (the client key, never a token). None when null.</param>
    /// <param name="meterFactory">Makes the <see cref="JwtSessionsTelemetry.MeterName"/> meter; the process-wide meter when null.</param>
    /// <exception cref="ArgumentException">The options are not valid; the message lists every problem.</exception>
    public AnomalyDetector(
        AnomalyDetectorOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger<AnomalyDetector>? logger = null,
        IMeterFactory? meterFactory = null)
    {
        options ??= new AnomalyDetectorOptions();
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _options = options.Clone();
        _time = timeProvider ?? TimeProvider.System;
        _start = _time.GetTimestamp();
        _cellTicks = Math.Max(1, _options.Window.Ticks / _options.WindowCells);
        _seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(sizeof(long)));
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = JwtSessionsMetrics.Create(meterFactory);

        // The budget holds the block list, the cells' epochs and the counters, whose width takes what is left.
        var fixedBytes = (_options.BlockListCapacity * (long)sizeof(long)) + (_options.WindowCells * (long)sizeof(long));
        var width = (_options.MemoryBudgetBytes - fixedBytes) / SlidingCountMinSketch.BytesPerColumn(Families, _options.WindowCells);
        _blocks = new BlockTable(_options.BlockListCapacity);
        _sketch = new SlidingCountMinSketch(Families, (int)width, _options.WindowCells);
    }

    /// <summary>
    /// Raised when a key crosses a threshold: once per crossing (a key that stays above it raises nothing more until its
    /// count falls below and rises again), and on every refresh-token reuse. Handlers run on the recording thread and
    /// must return quickly; an exception from one is swallowed.
    /// </summary>
    public event EventHandler<AnomalyDetectedEventArgs>? AnomalyDetected;

    /// <summary>Gets the bytes of the counters and the block list: fixed at construction, within <see cref="AnomalyDetectorOptions.MemoryBudgetBytes"/>.</summary>
    public long MemoryBytes => _sketch.Bytes + _blocks.Bytes;

    /// <summary>Gets the number of counters in each row of the sketches (the budget divided among families, rows and cells).</summary>
    public int SketchWidth => _sketch.Width;

    /// <summary>Counts a rejected access token against a client key, as brute force when its error says forgery.</summary>
    /// <param name="clientKey">The client key.</param>
    /// <param name="error">Why the token was rejected; <see cref="TokenValidationError.None"/> records nothing.</param>
    /// <returns>The first anomaly this signal raised, or <see cref="AnomalyKind.None"/>.</returns>
    public AnomalyKind RecordInvalidAccessToken(ReadOnlySpan<char> clientKey, TokenValidationError error) => error switch
    {
        TokenValidationError.None => AnomalyKind.None,
        TokenValidationError.BadSignature or TokenValidationError.UnknownKey or TokenValidationError.AlgorithmMismatch or TokenValidationError.Revoked
            => Record(clientKey, AnomalySignal.ForgedAccessToken),
        _ => Record(clientKey, AnomalySignal.InvalidAccessToken),
    };

    /// <summary>
    /// Counts a failed refresh against a client key, a refresh refused for its changed context included; a success or an
    /// expired session records nothing.
    /// </summary>
    /// <param name="clientKey">The client key.</param>
    /// <param name="result">The refresh's outcome.</param>
    /// <returns>The first anomaly this signal raised, or <see cref="AnomalyKind.None"/>.</returns>
    public AnomalyKind RecordRefresh(ReadOnlySpan<char> clientKey, RefreshResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Status switch
        {
            RefreshStatus.InvalidToken => Record(clientKey, AnomalySignal.ForgedRefreshToken),
            RefreshStatus.UnknownSession => Record(clientKey, AnomalySignal.UnknownSession),
            RefreshStatus.SessionRevoked => Record(clientKey, AnomalySignal.RevokedSession),
            RefreshStatus.ReuseDetected => Record(clientKey, AnomalySignal.RefreshTokenReuse),
            RefreshStatus.StepUpRequired or RefreshStatus.ContextRevoked => Record(clientKey, AnomalySignal.ContextChange),
            _ => AnomalyKind.None,
        };
    }

    /// <summary>Counts one signal against a client key, raising <see cref="AnomalyDetected"/> (and blocking, as configured) at a threshold. Allocates nothing unless an anomaly is raised.</summary>
    /// <param name="clientKey">The client key.</param>
    /// <param name="signal">What was seen.</param>
    /// <returns>The first anomaly this signal raised, or <see cref="AnomalyKind.None"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="signal"/> is not a defined value.</exception>
    public AnomalyKind Record(ReadOnlySpan<char> clientKey, AnomalySignal signal)
    {
        if (signal is < AnomalySignal.InvalidAccessToken or > AnomalySignal.ContextChange)
        {
            throw new ArgumentOutOfRangeException(nameof(signal), signal, "Not a defined signal.");
        }

        var hash = Hash(clientKey);
        var elapsed = _time.GetElapsedTime(_start).Ticks;
        var cellNumber = elapsed / _cellTicks;
        var mask = _sketch.Advance(cellNumber);
        var raised = AnomalyKind.None;

        if (signal == AnomalySignal.RefreshTokenReuse)
        {
            raised = Raise(AnomalyKind.TokenTheft, clientKey, hash, signal, 1, 1, _options.TokenTheftBlockDuration, elapsed);
        }
        else if (signal != AnomalySignal.InvalidAccessToken)
        {
            var (before, after) = _sketch.Add(BruteForceFamily, hash, cellNumber, mask);
            if (before < _options.BruteForceThreshold && after >= _options.BruteForceThreshold)
            {
                raised = Raise(AnomalyKind.BruteForce, clientKey, hash, signal, after, _options.BruteForceThreshold, _options.BruteForceBlockDuration, elapsed);
            }
        }

        var (floodBefore, floodAfter) = _sketch.Add(FloodFamily, hash, cellNumber, mask);
        if (floodBefore < _options.FloodThreshold && floodAfter >= _options.FloodThreshold)
        {
            var flood = Raise(AnomalyKind.Flood, clientKey, hash, signal, floodAfter, _options.FloodThreshold, _options.FloodBlockDuration, elapsed);
            raised = raised == AnomalyKind.None ? flood : raised;
        }

        return raised;
    }

    /// <summary>Blocks a client key for <paramref name="duration"/> (or keeps a block that ends later).</summary>
    /// <param name="clientKey">The client key.</param>
    /// <param name="duration">How long; at most 30 days.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is not positive or over 30 days.</exception>
    public void Block(ReadOnlySpan<char> clientKey, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(duration, TimeSpan.FromDays(30));
        BlockHash(Hash(clientKey), duration, _time.GetElapsedTime(_start).Ticks);
    }

    /// <summary>Lifts a client key's block.</summary>
    /// <param name="clientKey">The client key.</param>
    /// <returns><see langword="true"/> when the key was blocked.</returns>
    public bool Unblock(ReadOnlySpan<char> clientKey)
        => _blocks.Unblock(Hash(clientKey), Seconds(_time.GetElapsedTime(_start).Ticks));

    /// <summary>Gets whether a client key is blocked now. O(1); allocates nothing.</summary>
    /// <param name="clientKey">The client key.</param>
    /// <returns><see langword="true"/> while the key is blocked.</returns>
    public bool IsBlocked(ReadOnlySpan<char> clientKey) => IsBlocked(clientKey, out _);

    /// <summary>Gets whether a client key is blocked now, and for how much longer. O(1); allocates nothing.</summary>
    /// <param name="clientKey">The client key.</param>
    /// <param name="retryAfter">The time left on the block (for a <c>Retry-After</c> header); zero when not blocked.</param>
    /// <returns><see langword="true"/> while the key is blocked.</returns>
    public bool IsBlocked(ReadOnlySpan<char> clientKey, out TimeSpan retryAfter)
    {
        var elapsed = _time.GetElapsedTime(_start).Ticks;
        if (_blocks.IsBlocked(Hash(clientKey), Seconds(elapsed), out var until))
        {
            retryAfter = TimeSpan.FromTicks((until * TimeSpan.TicksPerSecond) - elapsed);
            return true;
        }

        retryAfter = TimeSpan.Zero;
        return false;
    }

    /// <summary>The key's count of brute-force signals in the window now (an estimate that never undercounts); for tests and diagnostics.</summary>
    internal int EstimateBruteForce(ReadOnlySpan<char> clientKey) => Estimate(BruteForceFamily, clientKey);

    /// <summary>The key's count of rejected requests in the window now; for tests and diagnostics.</summary>
    internal int EstimateFlood(ReadOnlySpan<char> clientKey) => Estimate(FloodFamily, clientKey);

    private int Estimate(int family, ReadOnlySpan<char> clientKey)
        => _sketch.Estimate(family, Hash(clientKey), _sketch.Advance(_time.GetElapsedTime(_start).Ticks / _cellTicks));

    private ulong Hash(ReadOnlySpan<char> clientKey) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(clientKey), _seed);

    private static uint Seconds(long ticks) => (uint)(ticks / TimeSpan.TicksPerSecond);

    private DateTimeOffset BlockHash(ulong hash, TimeSpan duration, long elapsedTicks)
    {
        // The block ends on a whole second (rounded up) counted from the detector's start.
        var endTicks = elapsedTicks + duration.Ticks;
        var until = (uint)Math.Min(uint.MaxValue, (endTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);
        _blocks.Block(hash, Seconds(elapsedTicks), until);
        return _time.GetUtcNow() + TimeSpan.FromTicks((until * TimeSpan.TicksPerSecond) - elapsedTicks);
    }

    private AnomalyKind Raise(
        AnomalyKind kind, ReadOnlySpan<char> clientKey, ulong hash, AnomalySignal signal, int count, int threshold, TimeSpan blockFor, long elapsedTicks)
    {
        DateTimeOffset? blockedUntil = blockFor > TimeSpan.Zero ? BlockHash(hash, blockFor, elapsedTicks) : null;
        var key = clientKey.ToString();
        _metrics.AnomalyDetected(kind);
        if (blockedUntil is { } until)
        {
            Log.AnomalyBlocked(_logger, kind, key, count, _options.Window, signal, until);
        }
        else
        {
            Log.AnomalyNotBlocked(_logger, kind, key, count, _options.Window, signal);
        }
        try
        {
            AnomalyDetected?.Invoke(this, new AnomalyDetectedEventArgs(kind, key, signal, count, threshold, _options.Window, _time.GetUtcNow(), blockedUntil));
        }
#pragma warning disable CA1031 // A failing observer must not turn a detection into a failed request.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return kind;
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Warning, "Anomaly {Kind} from client key {ClientKey} (signal count {Count} within {Window}, last signal {Signal}): blocked until {BlockedUntil:O}.")]
        public static partial void AnomalyBlocked(ILogger logger, AnomalyKind kind, string clientKey, int count, TimeSpan window, AnomalySignal signal, DateTimeOffset blockedUntil);

        [LoggerMessage(41, LogLevel.Warning, "Anomaly {Kind} from client key {ClientKey} (signal count {Count} within {Window}, last signal {Signal}): not blocked, the options set no block for it.")]
        public static partial void AnomalyNotBlocked(ILogger logger, AnomalyKind kind, string clientKey, int count, TimeSpan window, AnomalySignal signal);
    }
}
