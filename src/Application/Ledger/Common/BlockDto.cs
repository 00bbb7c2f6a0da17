using System.Linq.Expressions;
using MediVault.Domain.Ledger;

namespace MediVault.Application.Ledger.Common;

/// <summary>A ledger block as the contract shows it. Hashes and opaque ids only.</summary>
public sealed record BlockDto(long Index, DateTime Timestamp, string Kind, Guid ResourceId, string PayloadHash, string PreviousHash, string Hash)
{
    public static readonly Expression<Func<LedgerBlock, BlockDto>> Projection = b =>
        new BlockDto(b.Index, b.Timestamp, b.Kind, b.ResourceId, b.PayloadHash, b.PreviousHash, b.Hash);
}
