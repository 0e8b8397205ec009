namespace JwtSessions.Anomalies;

/// <summary>Thresholds, window and memory budget of an <see cref="AnomalyDetector"/>; docs/observability.md explains the defaults.</summary>
/// <threadsafety>Not thread-safe; configure, then build the detector.</threadsafety>
public sealed class AnomalyDetectorOptions
{
    /// <summary>The smallest <see cref="MemoryBudgetBytes"/> accepted: 64 KiB.</summary>
    public const long MinMemoryBudgetBytes = 64 * 1024;

    /// <summary>The largest <see cref="MemoryBudgetBytes"/> accepted: 1 GiB.</summary>
    public const long MaxMemoryBudgetBytes = 1024L * 1024 * 1024;

    /// <summary>The largest threshold accepted (a cell's counter saturates at 65,535).</summary>
    public const int MaxThreshold = ushort.MaxValue;

    /// <summary>
    /// Gets or sets the bytes the detector's counters and block list take, whatever the number of client keys: they are
    /// allocated once, when the detector is built, and never grow.
    /// </summary>
    /// <value>
    /// 4 MiB: about 64,000 counters a row, which keeps the false-positive rate of <see cref="BruteForceThreshold"/> near zero
    /// up to a few hundred thousand signals a window and under 5 % at a million (docs/observability.md).
    /// </value>
    public long MemoryBudgetBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets the length of the sliding window the thresholds count over.</summary>
    /// <value>1 minute.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets the number of cells the window slides by: a signal leaves the count between
    /// <see cref="Window"/> minus one cell and <see cref="Window"/> after it was recorded.
    /// </summary>
    /// <value>4 (cells of 15 seconds with the default window).</value>
    public int WindowCells { get; set; } = 4;

    /// <summary>
    /// Gets or sets how many forged tokens, refreshes of unknown or revoked sessions and forged refresh tokens from one key
    /// within the window raise <see cref="AnomalyKind.BruteForce"/>.
    /// </summary>
    /// <value>20: a real client makes a handful of such mistakes after a logout or a server restart, a guesser thousands.</value>
    public int BruteForceThreshold { get; set; } = 20;

    /// <summary>Gets or sets how many rejected requests of any kind from one key within the window raise <see cref="AnomalyKind.Flood"/>.</summary>
    /// <value>300 (5 a second over the default window).</value>
    public int FloodThreshold { get; set; } = 300;

    /// <summary>Gets or sets for how long a key suspected of brute force is blocked; <see cref="TimeSpan.Zero"/> to raise the event only.</summary>
    /// <value>15 minutes.</value>
    public TimeSpan BruteForceBlockDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets for how long a flooding key is blocked; <see cref="TimeSpan.Zero"/> to raise the event only.</summary>
    /// <value>1 minute.</value>
    public TimeSpan FloodBlockDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets for how long a key that replayed a refresh token is blocked; <see cref="TimeSpan.Zero"/> to raise the
    /// event only. The replay may come from the victim (the thief refreshed first), so the default blocks nobody.
    /// </summary>
    /// <value><see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan TokenTheftBlockDuration { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Gets or sets how many keys the block list holds at once (a power of two). When it is full, a new block replaces the
    /// one nearest its end among the eight slots the key may take.
    /// </summary>
    /// <value>16,384 (128 KiB of the budget).</value>
    public int BlockListCapacity { get; set; } = 16 * 1024;

    /// <summary>
    /// Lists every problem of these options that <see cref="AnomalyDetector"/> would refuse, naming the setting; empty when valid.
    /// No side effects.
    /// </summary>
    /// <returns>The problems, one sentence each.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MemoryBudgetBytes is < MinMemoryBudgetBytes or > MaxMemoryBudgetBytes)
        {
            problems.Add($"MemoryBudgetBytes must be between {MinMemoryBudgetBytes} and {MaxMemoryBudgetBytes}.");
        }

        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromDays(1))
        {
            problems.Add("Window must be between 1 second and 1 day.");
        }

        if (WindowCells is < 2 or > 16)
        {
            problems.Add("WindowCells must be between 2 and 16.");
        }

        CheckThreshold(problems, nameof(BruteForceThreshold), BruteForceThreshold);
        CheckThreshold(problems, nameof(FloodThreshold), FloodThreshold);
        CheckDuration(problems, nameof(BruteForceBlockDuration), BruteForceBlockDuration);
        CheckDuration(problems, nameof(FloodBlockDuration), FloodBlockDuration);
        CheckDuration(problems, nameof(TokenTheftBlockDuration), TokenTheftBlockDuration);
        if (BlockListCapacity < 64 || BlockListCapacity > 1 << 24 || (BlockListCapacity & (BlockListCapacity - 1)) != 0)
        {
            problems.Add("BlockListCapacity must be a power of two between 64 and 16,777,216.");
        }
        else if (MemoryBudgetBytes - (BlockListCapacity * (long)sizeof(long)) < MinMemoryBudgetBytes / 2)
        {
            problems.Add("MemoryBudgetBytes must leave at least 32 KiB for the counters once the block list (8 bytes per BlockListCapacity) is taken.");
        }

        return problems;
    }

    internal AnomalyDetectorOptions Clone() => (AnomalyDetectorOptions)MemberwiseClone();

    private static void CheckThreshold(List<string> problems, string name, int value)
    {
        if (value is < 1 or > MaxThreshold)
        {
            problems.Add($"{name} must be between 1 and {MaxThreshold}.");
        }
    }

    private static void CheckDuration(List<string> problems, string name, TimeSpan value)
    {
        if (value < TimeSpan.Zero || value > TimeSpan.FromDays(30))
        {
            problems.Add($"{name} must be between zero and 30 days.");
        }
    }
}
