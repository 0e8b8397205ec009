using System.Diagnostics.Metrics;
using System.Text.Json;
using JwtSessions.Internal;
using JwtSessions.Revocation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JwtSessions.Remote;

/// <summary>
/// Keeps a <see cref="RevocationList"/> current from an issuer's revocation endpoint (<see cref="RevocationLog"/>), for a
/// resource server that does not share the issuer's session store: give <see cref="Revocations"/> to its validator.
/// </summary>
/// <remarks>
/// <para>
/// Every <see cref="RevocationPollerOptions.PollInterval"/> it asks for the revocations after its cursor, with
/// <c>If-None-Match</c> (a 304 when nothing changed), and reads further pages at once while the issuer has more. A revocation
/// is therefore enforced here at most <c>PollInterval + RequestTimeout</c> after the issuer's log has it (docs/resource-servers.md).
/// </para>
/// <para>
/// The list reports itself unavailable from <see cref="RevocationPollerOptions.MaxStaleness"/> after the last successful poll
/// until the next one, and validators then apply their <see cref="Validation.RevocationFailureMode"/>. It starts unavailable,
/// until the first poll succeeds.
/// </para>
/// </remarks>
/// <threadsafety>Thread-safe. Dispose it to stop polling.</threadsafety>
public sealed partial class RevocationPoller : IDisposable
{
    private const string Accept = "application/json";
    private const int MaxPagesPerPoll = 100;

    private readonly RevocationPollerOptions _options;
    private readonly Uri _uri;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly JwtSessionsMetrics _metrics;
    private readonly RevocationList _revocations;
    private readonly ITimer _pollTimer;
    private readonly ITimer _staleTimer;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _pollLock = new();
    private readonly Lock _availabilityLock = new();
    private Task<bool>? _inFlight;
    private string? _cursor;
    private string? _entityTag;
    private int _disposing;

    /// <summary>Initializes a new instance of the <see cref="RevocationPoller"/> class and polls at once, in the background.</summary>
    /// <param name="options">The configuration; copied and checked.</param>
    /// <param name="httpClient">The client to poll with (the caller keeps owning it); when null the poller makes its own, which follows no redirect.</param>
    /// <param name="timeProvider">The clock and timers; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where failures are logged; none when null.</param>
    /// <param name="meterFactory">Makes the meter the poller reports on; the process-wide meter when null.</param>
    /// <exception cref="ArgumentException">The options are not valid (<see cref="RevocationPollerOptions.Validate"/>).</exception>
    public RevocationPoller(
        RevocationPollerOptions options,
        HttpClient? httpClient = null,
        TimeProvider? timeProvider = null,
        ILogger<RevocationPoller>? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _options = new RevocationPollerOptions
        {
            RevocationsUri = options.RevocationsUri,
            PollInterval = options.PollInterval,
            MaxStaleness = options.MaxStaleness,
            RequestTimeout = options.RequestTimeout,
            MaxResponseBytes = options.MaxResponseBytes,
        };
        _uri = options.RevocationsUri!;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient(BoundedGet.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = JwtSessionsMetrics.Create(meterFactory);
        _revocations = new RevocationList(_time) { IsAvailable = false };
        _pollTimer = _time.CreateTimer(static s => ((RevocationPoller)s!).StartPoll(), this, _options.PollInterval, _options.PollInterval);
        _staleTimer = _time.CreateTimer(static s => ((RevocationPoller)s!).OnStale(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        StartPoll();
    }

    /// <summary>Gets the list this poller keeps current; give it to validators (<see cref="Validation.TokenValidatorOptions.Revocations"/>).</summary>
    public RevocationList Revocations => _revocations;

    /// <summary>The poll running now, if any; tests await it.</summary>
    internal Task<bool>? InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Polls now, or joins the poll already running, and reports whether it succeeded; never throws for a failed poll.</summary>
    /// <param name="cancellationToken">Stops waiting (the poll itself keeps its own timeout).</param>
    /// <returns><see langword="true"/> when the poll succeeded.</returns>
    public Task<bool> PollAsync(CancellationToken cancellationToken = default) => StartPoll().WaitAsync(cancellationToken);

    /// <summary>Stops polling; the list keeps its entries.</summary>
    public void Dispose()
    {
        // Once, even when two threads dispose together: the second would cancel a disposed token source.
        if (Interlocked.Exchange(ref _disposing, 1) != 0)
        {
            return;
        }

        lock (_availabilityLock)
        {
            // Nothing keeps the list current from now on: validators still holding it apply their RevocationFailureMode.
            _disposed.Cancel();
            _revocations.IsAvailable = false;
        }

        _pollTimer.Dispose();
        _staleTimer.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }

        _disposed.Dispose();
    }

    private Task<bool> StartPoll()
    {
        lock (_pollLock)
        {
            if (_inFlight is { IsCompleted: false } running)
            {
                return running;
            }

            if (_disposed.IsCancellationRequested)
            {
                return Task.FromResult(false);
            }

            using (ExecutionContext.SuppressFlow())
            {
                return _inFlight = Task.Run(PollPagesAsync);
            }
        }
    }

    private async Task<bool> PollPagesAsync()
    {
        try
        {
            for (var pages = 0; pages < MaxPagesPerPoll; pages++)
            {
                var uri = _cursor is null ? _uri : WithCursor(_uri, _cursor);
                var response = await BoundedGet.SendAsync(
                    _http, uri, _entityTag, Accept, _options.MaxResponseBytes, _options.RequestTimeout, _time, _disposed.Token).ConfigureAwait(false);
                if (response.Failure is { } failure)
                {
                    return Failed(failure);
                }

                if (response.NotModified)
                {
                    _metrics.RevocationPolled("not_modified");
                    return Succeeded();
                }

                RevocationPage page;
                try
                {
                    page = RevocationPage.Parse(response.Body, response.EntityTag ?? string.Empty);
                }
                catch (JsonException)
                {
                    return Failed("invalid_page");
                }

                foreach (var (sessionId, until) in page.Revoked)
                {
                    _revocations.Add(sessionId, until);
                }

                _cursor = page.Cursor;
                _metrics.RevocationPolled(page.Revoked.Count > 0 ? "revocations" : "empty");
                if (!page.HasMore)
                {
                    // The tag names the head as the issuer saw it: with every page read, nothing before it is missing here.
                    _entityTag = response.EntityTag;
                    return Succeeded();
                }
            }

            return Succeeded();
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private static Uri WithCursor(Uri uri, string cursor)
    {
        var builder = new UriBuilder(uri);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : string.Empty) + "cursor=" + Uri.EscapeDataString(cursor);
        return builder.Uri;
    }

    private bool Succeeded()
    {
        lock (_availabilityLock)
        {
            if (_disposed.IsCancellationRequested)
            {
                // Disposed while polling: the list stays unavailable, since nothing keeps it current any more.
                return true;
            }

            _revocations.IsAvailable = true;
            _staleTimer.Change(_options.MaxStaleness, Timeout.InfiniteTimeSpan);
        }

        return true;
    }

    private bool Failed(string reason)
    {
        _metrics.RevocationPolled("failed");
        Log.PollFailed(_logger, _uri, reason);
        return false;
    }

    private void OnStale()
    {
        _revocations.IsAvailable = false;
        Log.Stale(_logger, _uri, _options.MaxStaleness);
    }

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Warning, "Polling the revocation endpoint {RevocationsUri} failed ({Reason}).")]
        public static partial void PollFailed(ILogger logger, Uri revocationsUri, string reason);

        [LoggerMessage(31, LogLevel.Error, "No poll of {RevocationsUri} succeeded for {MaxStaleness}: revocations may be missed, the list reports itself unavailable.")]
        public static partial void Stale(ILogger logger, Uri revocationsUri, TimeSpan maxStaleness);
    }
}
