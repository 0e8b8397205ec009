using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>The sign-in rate limit as an endpoint filter, and the mark it leaves so the sign-in helper does not count the request twice.</summary>
internal static class SignInRateLimit
{
    private static readonly object s_applied = new();

    public static bool WasApplied(HttpContext context) => context.Items.ContainsKey(s_applied);

    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        context.Items[s_applied] = null;
        if (context.RequestServices.GetRequiredService<SessionRateLimiters>().AcquireSignIn(context) is { } wait)
        {
            return Problems.RateLimited(context, wait);
        }

        return await next(invocation).ConfigureAwait(false);
    }
}
