using JwtSessions.Validation;

namespace JwtSessions.Dpop;

/// <summary>Where <see cref="DpopProofReader.ReadPayload"/> kept each claim of a proof: unescaped bytes in its value buffer, and <c>iat</c> in milliseconds.</summary>
internal record struct DpopProofClaims
{
    public long Iat;
    public Slot Jti;
    public Slot Htm;
    public Slot Htu;
    public Slot Ath;
    public Slot Nonce;

    public static DpopProofClaims Empty => new()
    {
        Iat = ClaimSlots.Missing,
        Jti = Slot.Absent,
        Htm = Slot.Absent,
        Htu = Slot.Absent,
        Ath = Slot.Absent,
        Nonce = Slot.Absent,
    };

    /// <summary>A value's place in the buffer, or a negative start when absent.</summary>
    internal readonly record struct Slot(int Start, int Length)
    {
        public static Slot Absent => new(-1, 0);

        public bool IsPresent => Start >= 0;

        public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> values) => values.Slice(Start, Length);
    }
}
