using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using JwtSessions.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// The per-client limiters of the refresh and sign-in endpoints: fixed windows partitioned by the remote IP address (as
/// the connection, or a configured forwarded-headers middleware, reports it), built on System.Threading.RateLimiting, the
/// limiters Microsoft.AspNetCore.RateLimiting runs. They are applied by the endpoints' own filter rather than by the
/// rate-limiting middleware, so they hold even when an application never calls <c>UseRateLimiter</c> (docs/aspnetcore.md,
/// "Rate limits").
/// </summary>
/// <remarks>
/// The windows follow the application's <see cref="TimeProvider"/>: System.Threading.RateLimiting's limiters take no clock
/// (they read <c>Stopwatch</c> and replenish on their own timer), so the window is part of the partition key: client and
/// window number (<c>now / Window</c> on the application's clock), each partition a fixed-window limiter of
/// <c>PermitLimit</c> permits. A new window is a new partition with all its permits, and <c>Retry-After</c> is the time to
/// the window's end on the same clock. Each partition's own limiter replenishes (on the real clock) no earlier than one
/// window after its first request, so never inside its window on a clock that runs at real speed; a replenished, unused
/// partition is then dropped by the partitioned limiter.
/// </remarks>
internal sealed class SessionRateLimiters : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext>? _refresh;
    private readonly PartitionedRateLimiter<HttpContext>? _signIn;
    private readonly TimeProvider _time;
    private readonly long _windowTicks;

    public SessionRateLimiters(IOptions<JwtSessionsEndpointOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var limits = options.Value.RateLimits;
        _time = time;
        _windowTicks = limits.Window.Ticks;
        if (limits.Enabled)
        {
            _refresh = Create(limits.RefreshPermitLimit, limits.Window);
            _signIn = Create(limits.SignInPermitLimit, limits.Window);
        }
    }

    /// <summary>Takes a refresh permit; <see langword="null"/> when granted, else how long to wait.</summary>
    public TimeSpan? AcquireRefresh(HttpContext context) => Acquire(_refresh, context);

    /// <summary>Takes a sign-in permit; <see langword="null"/> when granted, else how long to wait.</summary>
    public TimeSpan? AcquireSignIn(HttpContext context) => Acquire(_signIn, context);

    public void Dispose()
    {
        _refresh?.Dispose();
        _signIn?.Dispose();
    }

    private TimeSpan? Acquire(PartitionedRateLimiter<HttpContext>? limiter, HttpContext context)
    {
        if (limiter is null)
        {
            return null;
        }

        using var lease = limiter.AttemptAcquire(context);
        if (lease.IsAcquired)
        {
            return null;
        }

        // To the end of the current window on the application's clock (read again: at a window's edge this is a whole
        // window, which only errs towards waiting longer).
        var now = _time.GetUtcNow().UtcTicks;
        return TimeSpan.FromTicks(_windowTicks - (now % _windowTicks));
    }

    private PartitionedRateLimiter<HttpContext> Create(int permits, TimeSpan window)
    {
        var limiterOptions = new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true };
        return PartitionedRateLimiter.Create<HttpContext, (string Client, long Window)>(context => RateLimitPartition.GetFixedWindowLimiter(
            (PartitionKey(context.Connection.RemoteIpAddress), _time.GetUtcNow().UtcTicks / _windowTicks),
            _ => limiterOptions));
    }

    /// <summary>
    /// The client's partition: its IPv4 address, or its IPv6 /64 prefix (one subscriber usually holds a whole /64, so a
    /// per-address limit would be no limit).
    /// </summary>
    internal static string PartitionKey(IPAddress? address)
    {
        if (address is null)
        {
            return "none";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
