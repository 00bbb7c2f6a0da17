using System.Linq.Expressions;
using MediVault.Domain.Ledger;

namespace MediVault.Application.Ledger.Common;

/// <summary>
/// A ledger block as the contract shows it: hashes and opaque ids. Addition (issue 15): <c>resourceName</c>, what the
/// block's record is called (file name, QR code label, doctor of a grant), for the record's owner only; null otherwise.
/// </summary>
public sealed record BlockDto(
    long Index, DateTime Timestamp, string Kind, Guid ResourceId, string PayloadHash, string PreviousHash, string Hash,
    string? ResourceName = null)
{
    public static readonly Expression<Func<LedgerBlock, BlockDto>> Projection = b =>
        new BlockDto(b.Index, b.Timestamp, b.Kind, b.ResourceId, b.PayloadHash, b.PreviousHash, b.Hash, null);

    private static readonly string[] FileKinds = [LedgerBlockKind.FileUploaded, LedgerBlockKind.FileDeleted];
    private static readonly string[] QrKinds = [LedgerBlockKind.QrGenerated, LedgerBlockKind.QrRevoked, LedgerBlockKind.QrAccessed];
    private static readonly string[] GrantKinds = [LedgerBlockKind.AccessGranted, LedgerBlockKind.AccessRevoked];
    private static readonly string[] LinkKinds = [LedgerBlockKind.ShlCreated, LedgerBlockKind.ShlOpened, LedgerBlockKind.ShlRevoked];

    public bool IsAboutAFile() => FileKinds.Contains(Kind);

    public bool IsAboutAQrCode() => QrKinds.Contains(Kind);

    public bool IsAboutAGrant() => GrantKinds.Contains(Kind);

    public bool IsAboutALink() => LinkKinds.Contains(Kind);
}
