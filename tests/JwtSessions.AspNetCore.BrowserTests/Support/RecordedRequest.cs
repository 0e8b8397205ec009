namespace JwtSessions.AspNetCore.BrowserTests.Support;

/// <summary>A request as the server saw it, with its answer; cookie names only, never their values.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path.</param>
/// <param name="SecFetchSite">The browser's <c>Sec-Fetch-Site</c> header, or null.</param>
/// <param name="Origin">The <c>Origin</c> header, or null.</param>
/// <param name="CookieNames">The names of the cookies the browser sent.</param>
/// <param name="Status">The status code the server answered.</param>
/// <param name="SetCookies">The names of the cookies the answer set or deleted.</param>
internal sealed record RecordedRequest(
    string Method, string Path, string? SecFetchSite, string? Origin, IReadOnlyList<string> CookieNames, int Status, IReadOnlyList<string> SetCookies)
{
    public override string ToString()
        => $"{Method} {Path} site={SecFetchSite ?? "-"} origin={Origin ?? "-"} cookies=[{string.Join(',', CookieNames)}] -> {Status} "
            + $"set-cookie=[{string.Join(',', SetCookies)}]";
}
