using System.Net;
using System.Net.Http.Headers;

namespace JwtSessions.Remote;

/// <summary>
/// One GET with the bounds every remote fetch of the library keeps: the whole exchange within a timeout on the
/// <see cref="TimeProvider"/>, the body read up to a cap and no further, no redirect followed (a 3xx, or a response for another
/// URL from a client that follows them, is a failure), and <c>If-None-Match</c> when an entity tag is known.
/// </summary>
internal static class BoundedGet
{
    /// <summary>The name of the <see cref="HttpClient"/> the library's dependency-injection registrations configure.</summary>
    public const string HttpClientName = "JwtSessions.Remote";

    /// <summary>A handler that follows no redirect, for the clients the library makes itself.</summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.None,
    };

    public static async Task<Response> SendAsync(
        HttpClient client, Uri uri, string? entityTag, string accept, int maxBytes, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.ParseAdd(accept);
            if (entityTag is not null && EntityTagHeaderValue.TryParse(entityTag, out var tag))
            {
                request.Headers.IfNoneMatch.Add(tag);
            }

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (response.RequestMessage?.RequestUri is { } answered && answered != uri)
            {
                return Response.Failed("redirected");
            }

            var maxAge = response.Headers.CacheControl?.MaxAge;
            var etag = response.Headers.ETag?.ToString();
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new Response(NotModified: true, Body: null, etag ?? entityTag, maxAge, Failure: null);
            }

            if ((int)response.StatusCode is >= 300 and < 400)
            {
                return Response.Failed("redirected");
            }

            if (!response.IsSuccessStatusCode)
            {
                return Response.Failed("http_status");
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                return Response.Failed("too_large");
            }

            var body = await ReadCappedAsync(response.Content, maxBytes, linked.Token).ConfigureAwait(false);
            return body is null ? Response.Failed("too_large") : new Response(NotModified: false, body, etag, maxAge, Failure: null);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Response.Failed("timeout");
        }
        catch (HttpRequestException)
        {
            return Response.Failed("network");
        }
        catch (IOException)
        {
            return Response.Failed("network");
        }
    }

    /// <summary>Reads at most <paramref name="maxBytes"/>; <see langword="null"/> as soon as the body proves longer.</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[Math.Min(maxBytes + 1, 16 * 1024)];
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes)
                    {
                        return null;
                    }

                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, maxBytes + 1));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return length > maxBytes ? null : buffer[..length];
                }

                length += read;
            }
        }
    }

    /// <summary>The outcome of one GET: a body, a 304, or a failure reason (a low-cardinality code for logs and metrics).</summary>
    internal readonly record struct Response(bool NotModified, byte[]? Body, string? EntityTag, TimeSpan? MaxAge, string? Failure)
    {
        public static Response Failed(string reason) => new(NotModified: false, Body: null, EntityTag: null, MaxAge: null, reason);
    }
}
