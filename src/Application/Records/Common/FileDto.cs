using MediVault.Domain.Records;

namespace MediVault.Application.Records.Common;

/// <summary>
/// A medical file's metadata, as the contract describes it. Addition (issue 15): <c>UploadedByName</c>, the name of
/// the person who added the file when it is not its owner (a doctor), so the list can say "Added by Dr. Sharma";
/// null when the owner uploaded it.
/// </summary>
public sealed record FileDto(
    Guid Id, Guid OwnerId, Guid UploadedById, string FileName, string ContentType, long SizeBytes,
    FileCategory Category, string? Description, DateOnly? RecordDate, string Sha256, DateTime UploadedAt,
    long LedgerIndex, string LedgerHash, string? UploadedByName = null)
{
    /// <summary>Someone other than the owner (a doctor with a grant) added this file.</summary>
    public bool IsAddedByAnotherPerson() => UploadedById != OwnerId;

    /// <summary>
    /// From a materialized file (an upload's answer, the export). The files list does not materialize files: it reads
    /// these fields and the sealed description, and opens it (Infrastructure's <c>CompiledFileListing</c>).
    /// </summary>
    public static FileDto From(MedicalFile f) => new(
        f.Id, f.OwnerId, f.UploadedById, f.FileName, f.ContentType, f.SizeBytes, f.Category, f.Description,
        f.RecordDate, f.Sha256, f.UploadedAt, f.LedgerIndex, f.LedgerHash);
}
