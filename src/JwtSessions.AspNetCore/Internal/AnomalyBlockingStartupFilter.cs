using JwtSessions.AspNetCore.Anomalies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// Puts the blocking middleware first in the pipeline when the detector is registered
/// (<see cref="JwtSessionsAnomalyOptions.BlockAtPipelineStart"/>), so a blocked key is answered 429 before authentication
/// reads any token without the application asking. The decision is taken when the pipeline is built, after the application
/// configured it: if the application called <c>UseJwtSessionsAnomalyBlocking</c> itself, its placement wins and this adds nothing.
/// </summary>
internal sealed class AnomalyBlockingStartupFilter(IOptions<JwtSessionsAnomalyOptions> options, AnomalyBlocking placement) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (options.Value.BlockAtPipelineStart)
        {
            var services = app.ApplicationServices;
            app.Use(inner => placement.PlacedByApplication ? inner : AnomalyBlocking.Create(services, inner));
        }

        next(app);
    };
}
