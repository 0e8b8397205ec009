namespace JwtSessions.AspNetCore.BrowserTests.Support;

/// <summary>What the sample page shows after a call: which call, its HTTP status (0 when the request failed), and the body.</summary>
/// <param name="Action">The page's name for the call.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Body">The body the page displays (JSON, or the error it caught).</param>
internal sealed record PageResult(string Action, int Status, string Body);
