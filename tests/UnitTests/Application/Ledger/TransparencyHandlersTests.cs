using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Ledger.GetCheckpoint;
using MediVault.Application.Ledger.GetConsistencyProof;
using MediVault.Application.Ledger.GetTile;
using NSubstitute;

namespace MediVault.UnitTests.Application.Ledger;

/// <summary>The public transparency-log queries: checkpoint, verifier key, tiles and consistency proofs, over the log port.</summary>
public sealed class TransparencyHandlersTests
{
    private readonly ITransparencyLog _log = Substitute.For<ITransparencyLog>();

    [Fact]
    public async Task Checkpoint_IsTheLatestSignedOne_AndNoneYetIsNotFound()
    {
        _log.LatestCheckpointAsync(Arg.Any<CancellationToken>()).Returns("medivault/log\n3\nroot\n", (string?)null);
        var handler = new GetCheckpointHandler(_log);

        (await handler.Handle(new GetCheckpoint(), CancellationToken.None)).Should().Be("medivault/log\n3\nroot\n");
        var none = async () => await handler.Handle(new GetCheckpoint(), CancellationToken.None);
        (await none.Should().ThrowAsync<NotFoundException>()).Which.Message.Should().Contain("no checkpoint");
    }

    [Fact]
    public async Task VerifierKey_IsTheLogs()
    {
        _log.VerifierKey.Returns("medivault+01234567+AQ==");

        (await new GetVerifierKeyHandler(_log).Handle(new GetVerifierKey(), CancellationToken.None)).Should().Be("medivault+01234567+AQ==");
    }

    [Theory]
    [InlineData("0", "000", 0, 0, 256)]
    [InlineData("1", "x001/234", 1, 1234, 256)]
    [InlineData("7", "x001/x234/067.p/8", 7, 1234067, 8)]
    [InlineData("0", "999.p/255", 0, 999, 255)]
    [InlineData("0", "005.p/1", 0, 5, 1)]
    public void TileAddress_CanonicalPaths_Parse(string level, string path, int l, long index, int width)
    {
        TileAddress.TryParse(level, path, out var tile).Should().BeTrue();

        tile.Should().Be(new TileAddress(l, index, width));
        tile.IsFull.Should().Be(width == 256);
    }

    [Theory]
    [InlineData("8", "000")]        // level above 7
    [InlineData("", "000")]
    [InlineData("10", "000")]
    [InlineData("a", "000")]
    [InlineData("/", "000")]        // below '0': not a digit, though '/' - '0' is under the top level
    [InlineData("0", "00")]         // two digits
    [InlineData("0", "0000")]       // four digits
    [InlineData("0", "00a")]
    [InlineData("0", "x000/001")]   // a leading zero group
    [InlineData("0", "001/234")]    // no x before a group that is not the last
    [InlineData("0", "x01/234")]
    [InlineData("0", "xx001/234")]
    [InlineData("0", "y001/234")]   // four characters, but the prefix is not x
    [InlineData("0", "1001/234")]
    [InlineData("0", "000.p/0")]    // width 0
    [InlineData("0", "000.p/256")]  // a partial tile narrower than a full one
    [InlineData("0", "000.p/")]
    [InlineData("0", "000.p/007")]  // leading zero in the width
    [InlineData("0", "000.p/1000")]
    [InlineData("0", "000.p/1a")]
    [InlineData("0", "x999/x999/x999/x999/x999/x999/x999/999")] // beyond a long
    public void TileAddress_AnythingElse_IsRefused(string level, string path) =>
        TileAddress.TryParse(level, path, out _).Should().BeFalse();

    [Fact]
    public void TileAddress_AnIndexAtTheOverflowGuard_Parses()
    {
        TileAddress.TryParse("0", "x009/x223/x372/x036/x854/x774/999", out var tile).Should().BeTrue();

        tile.Index.Should().Be(9_223_372_036_854_774_999);
    }

    [Theory]
    [InlineData("0", "x001/234", true)]
    [InlineData("0", "1234", false)]
    [InlineData("9", "000", false)]
    public void TileValidator_AcceptsExactlyTheCanonicalPaths(string level, string path, bool valid) =>
        new GetTileValidator().Validate(new GetTile(level, path)).IsValid.Should().Be(valid);

    [Fact]
    public async Task Tile_Available_IsItsHashesAndWhetherItIsFull()
    {
        _log.TileAsync(new TileAddress(1, 1234, 256), Arg.Any<CancellationToken>()).Returns([1, 2]);
        _log.TileAsync(new TileAddress(0, 5, 3), Arg.Any<CancellationToken>()).Returns([3]);
        var handler = new GetTileHandler(_log);

        var full = await handler.Handle(new GetTile("1", "x001/234"), CancellationToken.None);
        var partial = await handler.Handle(new GetTile("0", "005.p/3"), CancellationToken.None);

        full.Hashes.Should().Equal(1, 2);
        full.IsFull.Should().BeTrue();
        partial.Hashes.Should().Equal(3);
        partial.IsFull.Should().BeFalse();
    }

    [Fact]
    public async Task Tile_NotInTheTree_IsNotFound()
    {
        _log.TileAsync(Arg.Any<TileAddress>(), Arg.Any<CancellationToken>()).Returns((byte[]?)null);

        var act = async () => await new GetTileHandler(_log).Handle(new GetTile("0", "000"), CancellationToken.None);

        await act.Should().ThrowAsync<NotFoundException>().WithMessage("This tile is not in the latest signed checkpoint's tree.");
    }

    [Theory]
    [InlineData(null, null, "From")]
    [InlineData(0L, null, "From")]
    [InlineData(5L, 4L, "To")]
    public void ProofValidator_BadSizes_NameTheField(long? from, long? to, string field) =>
        new GetConsistencyProofValidator().Validate(new GetConsistencyProof(from, to)).Errors.Select(e => e.PropertyName).Should().Equal(field);

    [Theory]
    [InlineData(1L, null)]
    [InlineData(5L, 5L)]
    [InlineData(5L, 6L)]
    public void ProofValidator_GoodSizes_Pass(long? from, long? to) =>
        new GetConsistencyProofValidator().Validate(new GetConsistencyProof(from, to)).IsValid.Should().BeTrue();

    [Fact]
    public async Task Proof_WithinTheCheckpoint_IsTheLogsProof()
    {
        var proof = new ConsistencyProof(3, 7, ["aGFzaA=="]);
        _log.ConsistencyProofAsync(3, 7, Arg.Any<CancellationToken>()).Returns(proof);

        (await new GetConsistencyProofHandler(_log).Handle(new GetConsistencyProof(3, 7), CancellationToken.None)).Should().BeSameAs(proof);
    }

    [Fact]
    public async Task Proof_FromEqualToTheCheckpointSize_IsTheLogsProof()
    {
        var proof = new ConsistencyProof(7, 7, []);
        _log.ConsistencyProofAsync(7, null, Arg.Any<CancellationToken>()).Returns(proof);

        (await new GetConsistencyProofHandler(_log).Handle(new GetConsistencyProof(7, null), CancellationToken.None)).Should().BeSameAs(proof);
    }

    [Fact]
    public async Task Proof_ToBeyondTheCheckpoint_NamesTo()
    {
        _log.ConsistencyProofAsync(3, 9, Arg.Any<CancellationToken>()).Returns((ConsistencyProof?)null);

        var act = async () => await new GetConsistencyProofHandler(_log).Handle(new GetConsistencyProof(3, 9), CancellationToken.None);

        (await act.Should().ThrowAsync<ValidationFailedException>()).Which.Errors["to"].Should().Equal("to is beyond the latest signed checkpoint.");
    }

    [Fact]
    public async Task Proof_FromBeyondTheCheckpoint_NamesFrom()
    {
        _log.ConsistencyProofAsync(9, null, Arg.Any<CancellationToken>()).Returns(new ConsistencyProof(9, 7, []));

        var act = async () => await new GetConsistencyProofHandler(_log).Handle(new GetConsistencyProof(9, null), CancellationToken.None);

        (await act.Should().ThrowAsync<ValidationFailedException>()).Which.Errors["from"].Should().Equal("from is beyond the latest signed checkpoint.");
    }
}
