using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace JwtSessions.AspNetCore.Tests.Support;

/// <summary>The calls a client of the test application makes.</summary>
internal static class HttpClientExtensions
{
    public const string CsrfHeader = "X-CSRF-Token";

    public static async Task<TokenBody> SignInAsync(this HttpClient client, string subject, string? scope = null, string? transport = null, string? origin = null)
    {
        using var response = await client.SendSignInAsync(subject, scope, transport, origin);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TokenBody>())!;
    }

    public static Task<HttpResponseMessage> SendSignInAsync(this HttpClient client, string subject, string? scope = null, string? transport = null, string? origin = null)
    {
        var query = "/sign-in?sub=" + Uri.EscapeDataString(subject) + (scope is null ? string.Empty : "&scope=" + Uri.EscapeDataString(scope));
        var request = new HttpRequestMessage(HttpMethod.Post, query);
        if (transport is not null)
        {
            request.Headers.Add("X-Session-Transport", transport);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> GetWithTokenAsync(this HttpClient client, string path, string? accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> SendWithTokenAsync(this HttpClient client, HttpMethod method, string path, string accessToken)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client.SendAsync(request);
    }

    /// <summary>A header-mode refresh: the refresh token in the JSON body.</summary>
    public static Task<HttpResponseMessage> RefreshAsync(this HttpClient client, string refreshToken)
        => client.PostAsJsonAsync("/auth/refresh", new Dictionary<string, string> { ["refresh_token"] = refreshToken });

    /// <summary>A cookie-mode refresh: no body, the cookie jar's refresh cookie, and the given anti-CSRF header and origin.</summary>
    public static Task<HttpResponseMessage> RefreshWithCookieAsync(this HttpClient client, string? csrf, string? origin, string? fetchSite = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/refresh");
        if (csrf is not null)
        {
            request.Headers.Add(CsrfHeader, csrf);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        return client.SendAsync(request);
    }

    public static async Task<Problem> ProblemAsync(this HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        return (await response.Content.ReadFromJsonAsync<Problem>())!;
    }

    /// <summary>The one <c>WWW-Authenticate</c> value of the answer.</summary>
    public static string Challenge(this HttpResponseMessage response)
        => response.Headers.GetValues("WWW-Authenticate").Should().ContainSingle().Subject;
}
