using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Records.UploadFile;
using NSubstitute;

namespace MediVault.UnitTests.Application.Records;

/// <summary>The upload's own rules at their edges: the size limit, and the type decided by content, never by name.</summary>
public class ReceiveUploadHandlerTests
{
    private const long Limit = 10_000;
    private static readonly byte[] Executable = [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF];

    private readonly IFileStore _store = Substitute.For<IFileStore>();
    private readonly IStagedBlob _blob = Substitute.For<IStagedBlob>();

    public ReceiveUploadHandlerTests()
    {
        // The store's side of the contract: read the content to its end once, showing every piece to the observer.
        _store.StageAsync(Arg.Any<Stream>(), Arg.Any<IContentObserver>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                var content = call.Arg<Stream>();
                var observer = call.Arg<IContentObserver>();
                var buffer = new byte[4096];
                int read;
                while ((read = await content.ReadAsync(buffer)) > 0)
                    observer.Observe(buffer.AsSpan(0, read));
                return _blob;
            });
    }

    private Task<ReceivedUpload> Receive(byte[] content, string fileName, long maxBytes = Limit) =>
        new ReceiveUploadHandler(_store).Handle(new ReceiveUpload(new MemoryStream(content), fileName, maxBytes), CancellationToken.None).AsTask();

    private static byte[] Pdf(long length)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, (byte)'a');
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }

    [Fact]
    public async Task Handle_ExactlyTheLimit_IsAcceptedWithItsSize()
    {
        var received = await Receive(Pdf(Limit), "scan.pdf");

        received.SizeBytes.Should().Be(Limit);
        received.ContentType.Should().Be("application/pdf");
        await _blob.DidNotReceive().DisposeAsync();
    }

    [Fact]
    public async Task Handle_OneByteOverTheLimit_Is413NamingTheLimit()
    {
        var act = () => Receive(Pdf(Limit + 1), "scan.pdf");

        (await act.Should().ThrowAsync<PayloadTooLargeException>()).WithMessage($"*{Limit} bytes*");
    }

    [Theory]
    [InlineData("report.pdf")]
    [InlineData("scan.png")]
    [InlineData("photo.jpg")]
    [InlineData("image.dcm")]
    [InlineData("notes.txt")]
    [InlineData("no-extension")]
    public async Task Handle_ExecutableUnderAnyName_Is415AndTheStagedBlobIsDropped(string fileName)
    {
        var act = () => Receive(Executable, fileName);

        await act.Should().ThrowAsync<UnsupportedMediaTypeException>()
            .WithMessage("Accepted are PDF, PNG, JPEG, DICOM and plain UTF-8 text; this content is none of them.");
        await _blob.Received(1).DisposeAsync();
    }

    [Fact]
    public async Task Handle_ContentOfAnotherAcceptedTypeUnderAKnownExtension_Is415NamingBoth()
    {
        var act = () => Receive(Pdf(100), "scan.png");

        (await act.Should().ThrowAsync<UnsupportedMediaTypeException>()).WithMessage("*PDF*.png*");
        await _blob.Received(1).DisposeAsync();
    }

    [Fact]
    public async Task Handle_EmptyContent_Is400NamingFile()
    {
        var act = () => Receive([], "scan.pdf");

        (await act.Should().ThrowAsync<ValidationFailedException>()).Which.Errors.Should().ContainKey("file")
            .WhoseValue.Should().Equal("The file is empty.");
        await _blob.Received(1).DisposeAsync();
    }

    [Fact]
    public async Task Handle_AcceptedContent_ReportsTheContentsHashAndTheSanitizedName()
    {
        var content = Pdf(1234);

        var received = await Receive(content, "../../etc/scan.pdf");

        received.Sha256.Should().Be(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)));
#pragma warning disable CA5350 // FHIR's Attachment.hash, an interoperability checksum (decisions #44)
        received.Sha1.Should().Be(Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(content)));
#pragma warning restore CA5350
        received.FileName.Should().Be("scan.pdf");
        received.Blob.Should().BeSameAs(_blob);
    }

    [Fact]
    public async Task Received_DisposedBeforeItIsCommitted_DropsTheStagedBlob()
    {
        var received = await Receive(Pdf(100), "a.pdf");
        await _blob.DidNotReceive().DisposeAsync();

        await received.DisposeAsync();

        await _blob.Received(1).DisposeAsync();
    }

    [Theory]
    [InlineData(true, 1, true)]
    [InlineData(true, 0, false)]
    [InlineData(false, 1, false)]
    public void Validator_NeedsContentAndAPositiveLimit(bool hasContent, long maxBytes, bool valid) =>
        new ReceiveUploadValidator().Validate(new ReceiveUpload(hasContent ? new MemoryStream() : null!, "a.pdf", maxBytes)).IsValid.Should().Be(valid);

    [Fact]
    public async Task BeginUpload_ForAnotherPatientsVault_AsksForAccessBeforeAnyByteIsRead()
    {
        var access = Substitute.For<MediVault.Application.Common.Access.IRecordAccess>();
        var patient = Guid.CreateVersion7();
        access.EnsureAsync(patient, MediVault.Application.Common.Access.RecordAction.UploadFile, Arg.Any<CancellationToken>())
            .Returns(Task.FromException<MediVault.Domain.Audit.ActorRole>(new NotFoundException()));

        var act = async () => await new BeginUploadHandler(access).Handle(new BeginUpload(patient.ToString(), null, null, null), CancellationToken.None);

        await act.Should().ThrowAsync<NotFoundException>();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task BeginUpload_IntoTheOwnVault_AsksNothingYet(string? patientId)
    {
        var access = Substitute.For<MediVault.Application.Common.Access.IRecordAccess>();

        await new BeginUploadHandler(access).Handle(new BeginUpload(patientId, "lab-report", null, null), CancellationToken.None);

        access.ReceivedCalls().Should().BeEmpty("the upload itself checks the caller's own vault");
    }
}
