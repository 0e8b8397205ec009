using JwtSessions.Remote;
using JwtSessions.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// On a validating server registered with remote keys or revocations (<c>AddJwtSessionsValidation</c>), loads the issuer's
/// JWK set and polls its revocations once before the server starts listening, so the first requests find them (each bounded
/// by its <c>RequestTimeout</c>; a failure leaves the server failing closed and the sources retrying in the background).
/// </summary>
internal sealed class RemoteSourcesStartup(IServiceProvider services) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var options = services.GetService<IOptions<AccessTokenValidationOptions>>()?.Value;
        if (options?.RemoteKeys is not null)
        {
            await services.GetRequiredService<JwksKeySource>().RefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        if (options?.RemoteRevocations is not null)
        {
            await services.GetRequiredService<RevocationPoller>().PollAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
