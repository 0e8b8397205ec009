namespace JwtSessions.Sessions;

/// <content>The per-subject index: which sessions a subject holds, oldest first.</content>
public sealed partial class InMemorySessionStore
{
    /// <summary>
    /// One subject's live sessions, oldest first, and the one copy of the subject's string its sessions share (released with
    /// the index once the subject has no session left). Read and written only under a lock on the instance.
    /// </summary>
    /// <remarks>
    /// Up to <see cref="SmallLimit"/> sessions sit in a sorted array grown by doubling from one item (a subject with four
    /// sessions costs one 152-byte array); past it, in a <see cref="SortedSet{T}"/>, so a subject holding thousands (no cap,
    /// or a high one) keeps logarithmic adds and removals.
    /// </remarks>
    private sealed class SubjectIndex(string subject)
    {
        private const int SmallLimit = 32;

        private IndexItem[] _small = [];
        private int _smallCount;
        private SortedSet<IndexItem>? _large;

        public string Subject { get; } = subject;

        public int Count => _large?.Count ?? _smallCount;

        /// <summary>Gets the oldest session; the index must not be empty.</summary>
        public IndexItem Oldest => _large is { } large ? large.Min : _small[0];

        public IEnumerable<IndexItem> Items => _large ?? (IEnumerable<IndexItem>)new ArraySegment<IndexItem>(_small, 0, _smallCount);

        public void Add(IndexItem item)
        {
            if (_large is null && _smallCount == SmallLimit)
            {
                _large = new SortedSet<IndexItem>(new ArraySegment<IndexItem>(_small, 0, _smallCount), IndexItemComparer.Instance);
                _small = [];
                _smallCount = 0;
            }

            if (_large is { } large)
            {
                large.Add(item);
                return;
            }

            var at = Array.BinarySearch(_small, 0, _smallCount, item, IndexItemComparer.Instance);
            if (at >= 0)
            {
                return;
            }

            at = ~at;
            if (_smallCount == _small.Length)
            {
                Array.Resize(ref _small, Math.Max(1, _smallCount * 2));
            }

            Array.Copy(_small, at, _small, at + 1, _smallCount - at);
            _small[at] = item;
            _smallCount++;
        }

        public void Remove(IndexItem item)
        {
            if (_large is { } large)
            {
                large.Remove(item);
                return;
            }

            var at = Array.BinarySearch(_small, 0, _smallCount, item, IndexItemComparer.Instance);
            if (at >= 0)
            {
                _smallCount--;
                Array.Copy(_small, at + 1, _small, at, _smallCount - at);
                _small[_smallCount] = default;
            }
        }
    }

    /// <summary>A session in its subject's index: its creation (UTC ticks), then its id, order the sessions oldest first.</summary>
    private readonly record struct IndexItem(long CreatedAt, SessionKey Key);

    private sealed class IndexItemComparer : IComparer<IndexItem>
    {
        public static readonly IndexItemComparer Instance = new();

        public int Compare(IndexItem x, IndexItem y)
        {
            var byTime = x.CreatedAt.CompareTo(y.CreatedAt);
            if (byTime != 0 || x.Key.Equals(y.Key))
            {
                return byTime;
            }

            // Sessions created in the same tick: by the ids' text, ordinal (rare, so the text is made here).
            return string.CompareOrdinal(x.Key.ToString(), y.Key.ToString());
        }
    }
}
