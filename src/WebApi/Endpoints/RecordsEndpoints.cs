using Mediator;
using MediVault.Application.Common.Paging;
using MediVault.Application.Records.Common;
using MediVault.Application.Records.DeleteFile;
using MediVault.Application.Records.GetDicomSummary;
using MediVault.Application.Records.GetFileContent;
using MediVault.Application.Records.ListFiles;
using MediVault.Application.Records.UploadFile;
using MediVault.Application.Records.VerifyFile;
using MediVault.Infrastructure.Configuration;
using MediVault.WebApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace MediVault.WebApi.Endpoints;

/// <summary>Medical files: upload, list, download, verify, DICOM header, delete (contract: Medical files; docs/api.md, File preview).</summary>
public static class RecordsEndpoints
{
    public static IEndpointRouteBuilder MapRecordsEndpoints(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/api/files").RequireAuthorization().WithTags("Files");

        files.MapPost("/upload", Upload).WithName("UploadFile")
            .WithSummary("Upload a file into a patient's vault (multipart/form-data: file, category, description, recordDate, patientId).")
            .Accepts<UploadFileForm>("multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
#pragma warning disable RDG002 // built at run time on purpose: RuntimeBound
        files.MapGet("/{userId:guid}", RuntimeBound.Handler(List)).WithName("ListFiles")
#pragma warning restore RDG002
            .WithSummary("A patient's files, newest first.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        files.MapGet("/download/{fileId:guid}", Download).WithName("DownloadFile")
            .WithSummary("The file's exact bytes; Range requests are honoured.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status416RangeNotSatisfiable)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status500InternalServerError);
        files.MapGet("/{fileId:guid}/verify", Verify).WithName("VerifyFile")
            .WithSummary("Re-reads and re-hashes the stored content, and checks its ledger block.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        files.MapGet("/{fileId:guid}/dicom", Dicom).WithName("GetDicomSummary")
            .WithSummary("What a DICOM file's header says about its study (modality, date, descriptions, image size), never who the patient is.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        files.MapDelete("/{fileId:guid}", Delete).WithName("DeleteFile")
            .WithSummary("Deletes a file (owner only): the content becomes unrecoverable and the ledger records the deletion.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Created<FileDto>> Upload(
        HttpRequest request, IMediator mediator, IOptions<MediVaultOptions> options, CancellationToken cancellationToken)
    {
        await using var form = await MultipartUploadForm.ReadAsync(request, mediator, options.Value.Files.MaxUploadBytes, cancellationToken);
        var file = await mediator.Send(new UploadFile(
            form.Field("patientId"), form.Field("category"), form.Field("description"), form.Field("recordDate"), form.File), cancellationToken);
        return TypedResults.Created($"/api/files/download/{file.Id}", file);
    }

    private static async Task<Ok<Paged<FileDto>>> List(
        Guid userId, string? category, string? q, IMediator mediator, CancellationToken cancellationToken, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await mediator.Send(new ListFiles(userId, category, q, page, pageSize), cancellationToken));

    private static async Task<IResult> Download(
        Guid fileId, HttpContext context, IMediator mediator, IOptions<MediVaultOptions> options, CancellationToken cancellationToken) =>
        await FileDownload.ServeAsync(context, await mediator.Send(new GetFileContent(fileId), cancellationToken),
            options.Value.Files.VerifyBeforeSendBytes, cancellationToken);

    private static async Task<Ok<FileVerification>> Verify(Guid fileId, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new VerifyFile(fileId), cancellationToken));

    private static async Task<Ok<DicomSummary>> Dicom(Guid fileId, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new GetDicomSummary(fileId), cancellationToken));

    private static async Task<NoContent> Delete(Guid fileId, IMediator mediator, CancellationToken cancellationToken)
    {
        await mediator.Send(new DeleteFile(fileId), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The upload form, for the OpenAPI description only: the body is read as a stream.</summary>
    internal sealed record UploadFileForm(IFormFile File, string? Category, string? Description, DateOnly? RecordDate, Guid? PatientId);
}
