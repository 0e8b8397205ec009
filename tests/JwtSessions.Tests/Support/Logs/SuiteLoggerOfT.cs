using Microsoft.Extensions.Logging;

namespace JwtSessions.Tests.Support;

/// <summary>A typed logger of the suite's capture; what containers built with <see cref="SuiteLogs.AddTo"/> give for <see cref="ILogger{TCategoryName}"/>.</summary>
/// <typeparam name="T">The category.</typeparam>
internal sealed class SuiteLogger<T>() : SuiteLogger(typeof(T).FullName ?? typeof(T).Name), ILogger<T>;
