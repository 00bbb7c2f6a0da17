using MediVault.Application.Records.GetFileContent;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace MediVault.WebApi.Infrastructure;

/// <summary>
/// A file download: settles the Range header (RFC 9110 §14), authenticates what will be sent before the first byte
/// when it is at most <c>MediVault:Files:VerifyBeforeSendBytes</c>, then lets ASP.NET Core's file result write the
/// bytes (conditional requests, <c>Content-Range</c>, <c>206</c>). Larger answers stream and abort the connection at a
/// damaged chunk; clients check <c>Repr-Digest</c> (docs/storage.md).
/// </summary>
internal static class FileDownload
{
    public const string BytesUnit = "bytes";

    public static async Task<IResult> ServeAsync(HttpContext context, FileContent file, long verifyBeforeSendBytes, CancellationToken cancellationToken)
    {
        var etag = new EntityTagHeaderValue($"\"{file.Sha256}\"");
        var span = Settle(context.Request, etag, file.UploadedAt, file.SizeBytes);
        if (span is null)
        {
            await file.Content.DisposeAsync();
            context.Response.Headers.ContentRange = $"{BytesUnit} */{file.SizeBytes}";
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status416RangeNotSatisfiable,
                Title = "Range not satisfiable",
                Detail = $"The file holds {file.SizeBytes} bytes; the requested range lies outside them.",
            });
        }

        var (from, length) = span.Value;
        if (length <= verifyBeforeSendBytes)
        {
            try
            {
                await file.AuthenticateAsync(from, length, cancellationToken);
            }
            catch
            {
                await file.Content.DisposeAsync();
                throw;
            }
        }

        var response = context.Response;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "private, no-store";
        response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(file.Sha256))}:";
        return TypedResults.Stream(file.Content, file.ContentType, file.FileName, file.UploadedAt, etag, enableRangeProcessing: true);
    }

    /// <summary>
    /// The bytes the answer will carry as (from, length), or null for a 416. Mirrors ASP.NET Core's range handling, except
    /// that a Range header in another unit than bytes is dropped, so it is ignored as RFC 9110 §14.2 asks.
    /// </summary>
    internal static (long From, long Length)? Settle(HttpRequest request, EntityTagHeaderValue etag, DateTime lastModified, long size)
    {
        var whole = (0L, size);
        var raw = request.Headers.Range;
        if (raw.Count == 0)
            return whole;
        if (!RangeHeaderValue.TryParse(raw.ToString(), out var range) || !range.Unit.Equals(BytesUnit, StringComparison.OrdinalIgnoreCase))
        {
            if (!raw.ToString().TrimStart().StartsWith(BytesUnit + "=", StringComparison.OrdinalIgnoreCase))
                request.Headers.Remove(HeaderNames.Range); // an unknown unit: not a range request at all
            return whole;
        }
        if (raw.Count > 1 || range.Ranges.Count > 1 || !IfRangeHolds(request, etag, lastModified))
            return whole; // ASP.NET Core serves the whole file for several ranges or a stale If-Range
        if (range.Ranges.Count == 0 || size == 0)
            return null;

        var item = range.Ranges.Single();
        if (item.From is { } start)
        {
            if (start >= size)
                return null;
            var end = item.To is { } to && to < size ? to : size - 1;
            return (start, end - start + 1);
        }
        if (item.To is not { } suffix || suffix == 0)
            return null;
        var length = Math.Min(suffix, size);
        return (size - length, length);
    }

    private static bool IfRangeHolds(HttpRequest request, EntityTagHeaderValue etag, DateTime lastModified)
    {
        var ifRange = request.GetTypedHeaders().IfRange;
        if (ifRange is null)
            return true;
        if (ifRange.EntityTag is { } tag)
            return !tag.IsWeak && tag.Compare(etag, useStrongComparison: true);
        return ifRange.LastModified is { } date && DateTime.SpecifyKind(lastModified, DateTimeKind.Utc).AddTicks(-(lastModified.Ticks % TimeSpan.TicksPerSecond)) <= date.UtcDateTime;
    }
}
