using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Records.Common;

namespace MediVault.Application.Records.UploadFile;

/// <summary>
/// Streams an upload's content into an encrypted, unpublished blob, learning on the way its size, SHA-256 and type.
/// Comes before <see cref="UploadFile"/> because a multipart body may carry the other fields after the file.
/// </summary>
public sealed record ReceiveUpload(Stream Content, string? FileName, long MaxBytes) : ICommand<ReceivedUpload>;

/// <summary>An upload whose content is staged; disposing it before the upload is committed deletes the staged blob.</summary>
public sealed record ReceivedUpload(IStagedBlob Blob, string FileName, string ContentType, long SizeBytes, string Sha256, string? Sha1 = null) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Blob.DisposeAsync();
}

internal sealed class ReceiveUploadValidator : AbstractValidator<ReceiveUpload>
{
    public ReceiveUploadValidator()
    {
        RuleFor(x => x.Content).NotNull();
        RuleFor(x => x.MaxBytes).GreaterThan(0);
    }
}

public sealed class ReceiveUploadHandler(IFileStore store) : ICommandHandler<ReceiveUpload, ReceivedUpload>
{
    public async ValueTask<ReceivedUpload> Handle(ReceiveUpload command, CancellationToken cancellationToken)
    {
        var fileName = FileNames.Sanitize(command.FileName);
        var limited = new UploadLimitStream(command.Content, command.MaxBytes);
        using var inspector = new UploadInspector();
        var blob = await store.StageAsync(limited, inspector, cancellationToken);
        try
        {
            if (limited.BytesRead == 0)
                throw new ValidationFailedException("file", "The file is empty.");
            var type = inspector.Detector.Complete()
                ?? throw new UnsupportedMediaTypeException("Accepted are PDF, PNG, JPEG, DICOM and plain UTF-8 text; this content is none of them.");
            if (!type.AgreesWith(fileName))
                throw new UnsupportedMediaTypeException(
                    $"The content is {type.Name}, but the file name ends in .{FileNames.ExtensionOf(fileName)}.");
            return new ReceivedUpload(blob, fileName, type.ContentType, limited.BytesRead, inspector.Sha256Hex(), inspector.Sha1Hex());
        }
        catch
        {
            await blob.DisposeAsync();
            throw;
        }
    }
}
