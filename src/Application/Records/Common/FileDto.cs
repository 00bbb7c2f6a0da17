using System.Linq.Expressions;
using MediVault.Domain.Records;

namespace MediVault.Application.Records.Common;

/// <summary>A medical file's metadata, as the contract describes it.</summary>
public sealed record FileDto(
    Guid Id, Guid OwnerId, Guid UploadedById, string FileName, string ContentType, long SizeBytes,
    FileCategory Category, string? Description, DateOnly? RecordDate, string Sha256, DateTime UploadedAt,
    long LedgerIndex, string LedgerHash)
{
    /// <summary>The projection queries use, so lists are shaped in the database.</summary>
    public static readonly Expression<Func<MedicalFile, FileDto>> Projection = f => new FileDto(
        f.Id, f.OwnerId, f.UploadedById, f.FileName, f.ContentType, f.SizeBytes, f.Category, f.Description,
        f.RecordDate, f.Sha256, f.UploadedAt, f.LedgerIndex, f.LedgerHash);

    private static readonly Func<MedicalFile, FileDto> Map = Projection.Compile();

    public static FileDto From(MedicalFile file) => Map(file);
}
