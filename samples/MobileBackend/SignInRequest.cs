namespace MobileBackend;

/// <summary>The sign-in form: a user name and a password, as JSON.</summary>
/// <param name="UserName">The user name.</param>
/// <param name="Password">The password.</param>
internal sealed record SignInRequest(string? UserName, string? Password);
