using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Ledger.Common;
using MediVault.Application.Ledger.ListLedgerBlocks;
using MediVault.Application.Ledger.VerifyLedger;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MediVault.WebApi.Endpoints;

/// <summary>The tamper-evident ledger (contract: Ledger; format: docs/ledger.md).</summary>
public static class LedgerEndpoints
{
    public static IEndpointRouteBuilder MapLedgerEndpoints(this IEndpointRouteBuilder app)
    {
        var ledger = app.MapGroup("/api/ledger").RequireAuthorization().WithTags("Ledger");
        ledger.MapGet("/verify", Verify).WithName("VerifyLedger")
            .WithSummary("Recomputes every block and reports the first one that does not check out.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        ledger.MapGet("/blocks", Blocks).WithName("ListLedgerBlocks")
            .WithSummary("The blocks concerning the caller's records (a doctor: also granting patients'), oldest first.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<Ok<LedgerVerification>> Verify(IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new VerifyLedger(), cancellationToken));

    private static async Task<Ok<IReadOnlyList<BlockDto>>> Blocks(
        IMediator mediator, CancellationToken cancellationToken, long from = 0, int limit = 100) =>
        TypedResults.Ok(await mediator.Send(new ListLedgerBlocks(from, limit), cancellationToken));
}
