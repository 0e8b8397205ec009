namespace JwtSessions.Validation;

/// <summary>A burst of rejected tokens: the window it happened in and how many rejections it counted when reported.</summary>
/// <param name="windowStart">The start of the window.</param>
/// <param name="count">The rejections counted in the window when the threshold was reached.</param>
public sealed class RejectionBurstEventArgs(DateTimeOffset windowStart, int count) : EventArgs
{
    /// <summary>Gets the start of the window.</summary>
    public DateTimeOffset WindowStart { get; } = windowStart;

    /// <summary>Gets the rejections counted in the window when the threshold was reached.</summary>
    public int Count { get; } = count;
}
