using Microsoft.Extensions.Options;

namespace JwtSessions.Redis.Internal;

/// <summary>Checks <see cref="RedisSessionStoreOptions"/> at host start (registered with <c>ValidateOnStart</c>).</summary>
internal sealed class RedisSessionStoreOptionsValidator : IValidateOptions<RedisSessionStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisSessionStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
