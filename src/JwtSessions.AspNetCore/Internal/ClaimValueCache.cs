using System.Text;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// The strings of claim values that repeat from token to token (the issuer, client ids, scope names), so the principal of
/// a request reuses them instead of decoding them again: a small direct-mapped table, keyed by the value's UTF-8 bytes.
/// </summary>
/// <remarks>
/// Only values the validator has accepted reach it, and only those short, low-cardinality members; per-token values
/// (<c>sub</c>, <c>sid</c>, <c>jti</c>) are decoded each time, since caching them would cost more on a miss than it saves.
/// A hit compares every byte, so two values sharing a slot only evict each other; entries are immutable and published by
/// one reference write, so a race between two threads is harmless (either entry is right for its own bytes).
/// </remarks>
internal static class ClaimValueCache
{
    // A power of two; far more than the scopes and clients of one application.
    private const int Slots = 128;
    private const int MaxLength = 128;

    private static readonly Entry?[] s_entries = new Entry?[Slots];

    public static string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = new HashCode();
        hash.AddBytes(utf8);
        ref var slot = ref s_entries[hash.ToHashCode() & (Slots - 1)];
        var entry = Volatile.Read(ref slot);
        if (entry is not null && utf8.SequenceEqual(entry.Utf8))
        {
            return entry.Value;
        }

        entry = new Entry(utf8.ToArray(), Encoding.UTF8.GetString(utf8));
        Volatile.Write(ref slot, entry);
        return entry.Value;
    }

    private sealed class Entry(byte[] utf8, string value)
    {
        public byte[] Utf8 { get; } = utf8;

        public string Value { get; } = value;
    }
}
