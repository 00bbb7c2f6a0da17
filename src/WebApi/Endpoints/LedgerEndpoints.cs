using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Ledger.Common;
using MediVault.Application.Ledger.GetCheckpoint;
using MediVault.Application.Ledger.GetConsistencyProof;
using MediVault.Application.Ledger.GetEntryReceipt;
using MediVault.Application.Ledger.GetTile;
using MediVault.Application.Ledger.ListLedgerBlocks;
using MediVault.Application.Ledger.VerifyLedger;
using MediVault.Application.Records.GetFileReceipt;
using MediVault.WebApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MediVault.WebApi.Endpoints;

/// <summary>The ledger (contract: Ledger) and its transparency log (docs/api.md, "Transparency log (issue 11)"; formats: docs/ledger.md).</summary>
public static class LedgerEndpoints
{
    private const string PlainText = "text/plain; charset=utf-8";

    public static IEndpointRouteBuilder MapLedgerEndpoints(this IEndpointRouteBuilder app)
    {
        var ledger = app.MapGroup("/api/ledger").RequireAuthorization().WithTags("Ledger");
        ledger.MapGet("/verify", Verify).WithName("VerifyLedger")
            .WithSummary("Recomputes every entry and the Merkle tree, and checks them against the signed checkpoints.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
#pragma warning disable RDG002 // built at run time on purpose: RuntimeBound
        ledger.MapGet("/blocks", RuntimeBound.Handler(Blocks)).WithName("ListLedgerBlocks")
#pragma warning restore RDG002
            .WithSummary("The blocks concerning the caller's records (a doctor: also granting patients'), oldest first.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized);
        ledger.MapGet("/entries/{index:long}/receipt", EntryReceipt).WithName("GetLedgerEntryReceipt")
            .WithSummary("A C2SP tlog-proof for an entry the caller may see.")
            .Produces<string>(StatusCodes.Status200OK, PlainText)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/api/files/{fileId:guid}/receipt", FileReceipt).RequireAuthorization().WithTags("Files").WithName("GetFileReceipt")
            .WithSummary("A C2SP tlog-proof for the file's file-uploaded ledger entry (owner, or a doctor with an active grant).")
            .Produces<string>(StatusCodes.Status200OK, PlainText)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);

        // Anonymous: hashes, sizes and signatures only, so that mirrors and witnesses can follow the log.
        var log = app.MapGroup("/api/ledger").AllowAnonymous().WithTags("Ledger");
        log.MapGet("/checkpoint", Checkpoint).WithName("GetLedgerCheckpoint").WithMetadata(new PublicLogData())
            .WithSummary("The latest signed checkpoint (C2SP tlog-checkpoint).")
            .Produces<string>(StatusCodes.Status200OK, PlainText);
        log.MapGet("/key", Key).WithName("GetLedgerKey")
            .WithSummary("The checkpoint signer's verifier key, in Go's note format.")
            .Produces<string>(StatusCodes.Status200OK, PlainText);
#pragma warning disable RDG002 // built at run time on purpose: RuntimeBound
        log.MapGet("/proof/consistency", RuntimeBound.Handler(Consistency)).WithName("GetLedgerConsistencyProof")
#pragma warning restore RDG002
            .WithSummary("An RFC 6962 consistency proof between two tree sizes.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        log.MapGet("/tile/{level}/{**path}", TileOf).WithName("GetLedgerTile").WithMetadata(new PublicLogData())
            .WithSummary("A C2SP tlog-tile of the Merkle tree (hashes only).")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Ok<LedgerVerification>> Verify(IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new VerifyLedger(), cancellationToken));

    private static async Task<Ok<IReadOnlyList<BlockDto>>> Blocks(
        IMediator mediator, CancellationToken cancellationToken, long from = 0, int limit = 100) =>
        TypedResults.Ok(await mediator.Send(new ListLedgerBlocks(from, limit), cancellationToken));

    private static async Task<ContentHttpResult> EntryReceipt(long index, HttpContext context, IMediator mediator, CancellationToken cancellationToken)
    {
        var receipt = await mediator.Send(new GetEntryReceipt(index), cancellationToken);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Text(receipt, PlainText);
    }

    private static async Task<ContentHttpResult> FileReceipt(Guid fileId, HttpContext context, IMediator mediator, CancellationToken cancellationToken)
    {
        var receipt = await mediator.Send(new GetFileReceipt(fileId), cancellationToken);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Text(receipt, PlainText);
    }

    private static async Task<ContentHttpResult> Checkpoint(HttpContext context, IMediator mediator, CancellationToken cancellationToken)
    {
        var note = await mediator.Send(new GetCheckpoint(), cancellationToken);
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Text(note, PlainText);
    }

    private static async Task<ContentHttpResult> Key(IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Text(await mediator.Send(new GetVerifierKey(), cancellationToken), PlainText);

    private static async Task<Ok<ConsistencyProof>> Consistency(
        IMediator mediator, CancellationToken cancellationToken, long? from = null, long? to = null) =>
        TypedResults.Ok(await mediator.Send(new GetConsistencyProof(from, to), cancellationToken));

    private static async Task<FileContentHttpResult> TileOf(
        string level, string path, HttpContext context, IMediator mediator, CancellationToken cancellationToken)
    {
        var tile = await mediator.Send(new GetTile(level, path), cancellationToken);
        context.Response.Headers.CacheControl = tile.IsFull ? "public, max-age=31536000, immutable" : "no-cache";
        return TypedResults.File(tile.Hashes, "application/octet-stream");
    }
}
