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
internal sealed class SessionRateLimiters : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext>? _refresh;
    private readonly PartitionedRateLimiter<HttpContext>? _signIn;
    private readonly TimeSpan _window;

    public SessionRateLimiters(IOptions<JwtSessionsEndpointOptions> options)
    {
        var limits = options.Value.RateLimits;
        _window = limits.Window;
        if (limits.Enabled)
        {
            _refresh = Create(limits.RefreshPermitLimit, limits.Window);
            _signIn = Create(limits.SignInPermitLimit, limits.Window);
        }
    }

    public TimeSpan Window => _window;

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

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : _window;
    }

    private static PartitionedRateLimiter<HttpContext> Create(int permits, TimeSpan window)
    {
        var limiterOptions = new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true };
        return PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetFixedWindowLimiter(
            PartitionKey(context.Connection.RemoteIpAddress),
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
