namespace JwtSessions.Tests.Vectors;

/// <summary>Reads a Wycheproof label as the outcome we require.</summary>
internal static class WycheproofLabels
{
    /// <summary>
    /// <c>valid</c> must verify and <c>invalid</c> must not. <c>acceptable</c> allows either, but ours must be one fixed answer on
    /// every OS and provider, so each is pinned in <paramref name="pinned"/> (tcId to outcome) with its reason at the call site.
    /// </summary>
    public static bool MustVerify(WycheproofVector vector, IReadOnlyDictionary<int, bool>? pinned = null)
    {
        if (!vector.IsAcceptable)
        {
            return vector.IsValid;
        }

        if (pinned is null || !pinned.TryGetValue(vector.TcId, out var outcome))
        {
            Assert.Fail($"tcId {vector.TcId} is labelled acceptable ('{vector.Comment}'); pin the outcome this library must give.");
            return false;
        }

        return outcome;
    }

    /// <summary>Runs <paramref name="verify"/>, twice for an acceptable vector, which must get the same answer every time.</summary>
    public static bool Verify(WycheproofVector vector, Func<bool> verify)
    {
        var first = verify();
        if (vector.IsAcceptable)
        {
            verify().Should().Be(first, "an acceptable vector must still get one deterministic answer");
        }

        return first;
    }
}
