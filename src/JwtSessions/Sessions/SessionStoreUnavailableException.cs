namespace JwtSessions.Sessions;

/// <summary>A session store could not be reached or answered with an error; refreshes fail closed while it lasts.</summary>
public sealed class SessionStoreUnavailableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SessionStoreUnavailableException"/> class.</summary>
    public SessionStoreUnavailableException()
        : base("The session store is unavailable.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionStoreUnavailableException"/> class with a message.</summary>
    /// <param name="message">What failed.</param>
    public SessionStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionStoreUnavailableException"/> class with a message and cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The store client's error.</param>
    public SessionStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
