using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Ledger;
using Microsoft.EntityFrameworkCore;
using NSubstitute;

namespace MediVault.UnitTests.TestSupport;

/// <summary>
/// The ledger port as the real one behaves towards a handler: an append shows the new block to <c>beforeSave</c>, saves
/// every change pending in <see cref="Context"/> with it and is recorded in <see cref="Committed"/>; a conditional
/// append runs its condition first and saves nothing when it answers false. Block hashes are placeholders: the hash
/// chain itself is tested in <c>HashChainLedgerTests</c>.
/// </summary>
internal sealed class SavingLedger
{
    public SavingLedger(DateTime at)
    {
        Port.CommitAsync(Arg.Any<LedgerEvent>(), Arg.Any<Action<LedgerBlock>?>(), Arg.Any<CancellationToken>()).Returns(async call =>
        {
            var block = Append(call.Arg<LedgerEvent>(), at);
            call.Arg<Action<LedgerBlock>?>()?.Invoke(block);
            await SaveAsync();
            return block;
        });
        Port.CommitIfAsync(Arg.Any<LedgerEvent>(), Arg.Any<Func<CancellationToken, Task<bool>>>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                if (!await call.Arg<Func<CancellationToken, Task<bool>>>()(CancellationToken.None))
                    return null;
                await SaveAsync();
                return (LedgerBlock?)Append(call.Arg<LedgerEvent>(), at);
            });
    }

    /// <summary>The substitute to hand to the handler.</summary>
    public ILedger Port { get; } = Substitute.For<ILedger>();

    /// <summary>Every event appended, in order.</summary>
    public List<LedgerEvent> Committed { get; } = [];

    /// <summary>The context whose pending changes the next append saves: the one the handler under test was given.</summary>
    public DbContext? Context { get; set; }

    private LedgerBlock Append(LedgerEvent ledgerEvent, DateTime at)
    {
        Committed.Add(ledgerEvent);
        return LedgerBlock.Create(Committed.Count, at, ledgerEvent.Kind, ledgerEvent.ResourceId, ledgerEvent.SubjectId,
            ledgerEvent.PayloadHash, new string('0', 64), new string('1', 64));
    }

    private Task<int> SaveAsync() =>
        (Context ?? throw new InvalidOperationException("Set SavingLedger.Context to the handler's context first.")).SaveChangesAsync();
}
