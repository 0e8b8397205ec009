using System.Runtime.CompilerServices;
using JwtSessions.Internal;

namespace JwtSessions.Validation;

public sealed partial class TokenValidator
{
    /// <summary>
    /// Raised when rejections within one window reach <see cref="RejectionBurstOptions.Threshold"/> (once per window): a burst of
    /// forged, garbage or expired tokens worth an operator's attention. Handlers run on the validating thread; keep them short.
    /// An exception from a handler is swallowed: validation never throws.
    /// </summary>
    public event EventHandler<RejectionBurstEventArgs>? RejectionBurst;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TokenValidationError Observe(TokenValidationError error)
    {
        if (error != TokenValidationError.None)
        {
            OnRejected(error);
        }
        else
        {
            _metrics.TokenValidated();
        }

        return error;
    }

    private JwtValidationResult Observe(TokenValidationError error, TokenClaims? claims)
        => Observe(error) == TokenValidationError.None ? new JwtValidationResult(claims!) : JwtValidationResult.Fail(error);

    /// <summary>Counts a rejection (metric <c>jwtsessions.tokens.rejected</c>, tagged with the code) and watches for bursts.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnRejected(TokenValidationError error)
    {
        _metrics.TokenRejected(error);
        if (_burst is { } burst && burst.Record(_time.GetUtcNow().ToUnixTimeMilliseconds(), out var windowStart, out var count))
        {
            _metrics.RejectionBurst();
            try
            {
                RejectionBurst?.Invoke(this, new RejectionBurstEventArgs(DateTimeOffset.FromUnixTimeMilliseconds(windowStart), count));
            }
#pragma warning disable CA1031 // Validate never throws for bad input; a failing observer must not turn a rejection into a crash.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
