using JwtSessions.AspNetCore.Authentication;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.AspNetCore.Tests.Support;

/// <summary>How a <see cref="TestApp"/> is set up.</summary>
internal sealed class TestAppOptions
{
    public FakeTimeProvider? Time { get; set; }

    public KeyRing? AccessKeys { get; set; }

    public KeyRing? RefreshKeys { get; set; }

    /// <summary>Listen on plain HTTP (still 127.0.0.1) instead of HTTPS.</summary>
    public bool PlainHttp { get; set; }

    /// <summary>The host environment; Production unless set.</summary>
    public string? EnvironmentName { get; set; }

    /// <summary>A validating server (AddJwtSessionsValidation), not an issuing one.</summary>
    public bool ValidationOnly { get; set; }

    public Action<SessionManagerOptions>? Manager { get; set; }

    public Action<AccessTokenValidationOptions>? Validation { get; set; }

    public Action<JwtSessionsEndpointOptions>? Endpoints { get; set; }

    public Action<JwtSessionsBearerOptions>? Bearer { get; set; }

    /// <summary>
    /// Calls <c>UseJwtSessionsAnomalyBlocking</c> before authentication (register the detector through <see cref="Services"/>);
    /// without it, registering the detector puts the middleware at the start of the pipeline.
    /// </summary>
    public bool AnomalyBlocking { get; set; }

    /// <summary>Adds the application's own middleware first in its pipeline, before <see cref="AnomalyBlocking"/> and authentication.</summary>
    public Action<WebApplication>? Pipeline { get; set; }

    /// <summary>
    /// Adjusts the host's logging after the suite's capture is added at <c>Trace</c> (every message formatted and scanned
    /// for token material): a level or a category filter, as an application would set it.
    /// </summary>
    public Action<ILoggingBuilder>? Logging { get; set; }

    /// <summary>Registers further services (a session store) before JwtSessions'.</summary>
    public Action<IServiceCollection>? Services { get; set; }
}
