using MediVault.Application.Sharing.SmartHealthLinks;
using MediVault.Application.Sharing.SmartHealthLinks.CreateSmartHealthLink;
using MediVault.Application.Sharing.SmartHealthLinks.OpenSmartHealthLink;
using MediVault.Domain.Sharing;

namespace MediVault.UnitTests.Application.Sharing;

/// <summary>The SMART Health Link requests' validators at each rule's edge, with the message each refusal gives.</summary>
public sealed class SmartHealthLinkValidatorTests
{
    private static readonly ShlInclude Summary = new(EmergencySummary: true);

    private static IEnumerable<(string Field, string Message)> Errors(CreateSmartHealthLink command) =>
        new CreateSmartHealthLinkValidator().Validate(command).Errors.Select(e => (e.PropertyName, e.ErrorMessage));

    private static IEnumerable<(string Field, string Message)> Errors(OpenSmartHealthLink request) =>
        new OpenSmartHealthLinkValidator().Validate(request).Errors.Select(e => (e.PropertyName, e.ErrorMessage));

    private static Guid[] Files(int count) => [.. Enumerable.Range(0, count).Select(_ => Guid.NewGuid())];

    [Fact]
    public void Create_TheSummaryAlone_Passes() => Errors(new CreateSmartHealthLink(Include: Summary)).Should().BeEmpty();

    [Fact]
    public void Create_EveryOptionAtItsUpperEdge_Passes()
    {
        var command = new CreateSmartHealthLink(
            new string('l', SmartHealthLink.MaxLabelLength), SmartHealthLink.MaxLifetimeMinutes, new string('p', ShlPasscode.MaxLength),
            SmartHealthLink.MaxPasscodeAttemptsLimit, LongTerm: true, DirectFile: false, new ShlInclude(true, Files(ShlContent.MaxFiles)));

        Errors(command).Should().BeEmpty();
    }

    [Fact]
    public void Create_EveryOptionAtItsLowerEdge_Passes()
    {
        var command = new CreateSmartHealthLink("", SmartHealthLink.MinLifetimeMinutes, new string('p', ShlPasscode.MinLength), 1, Include: Summary);

        Errors(command).Should().BeEmpty();
    }

    [Fact]
    public void Create_LabelOneTooLong_IsRefused() =>
        Errors(new CreateSmartHealthLink(new string('l', SmartHealthLink.MaxLabelLength + 1), Include: Summary))
            .Should().Equal(("Label", "label is longer than 80 characters."));

    [Fact]
    public void Create_LabelWithAControlCharacter_IsRefused() =>
        Errors(new CreateSmartHealthLink("For\nDr. Lee", Include: Summary)).Should().Equal(("Label", "label cannot contain control characters."));

    [Theory]
    [InlineData(SmartHealthLink.MinLifetimeMinutes - 1)]
    [InlineData(SmartHealthLink.MaxLifetimeMinutes + 1)]
    public void Create_LifetimeJustOutsideItsRange_IsRefused(int minutes) =>
        Errors(new CreateSmartHealthLink(ExpiresInMinutes: minutes, Include: Summary))
            .Should().Equal(("ExpiresInMinutes", "expiresInMinutes must be between 5 and 525600."));

    [Theory]
    [InlineData(ShlPasscode.MinLength - 1)]
    [InlineData(ShlPasscode.MaxLength + 1)]
    public void Create_PasscodeLengthJustOutsideItsRange_IsRefused(int length) =>
        Errors(new CreateSmartHealthLink(Passcode: new string('p', length), Include: Summary))
            .Should().Equal(("Passcode", "passcode must be 4 to 64 characters."));

    [Fact]
    public void Create_PasscodeWithAControlCharacter_IsRefused() =>
        Errors(new CreateSmartHealthLink(Passcode: "12\t34", Include: Summary)).Should().Equal(("Passcode", "passcode cannot contain control characters."));

    [Theory]
    [InlineData(0)]
    [InlineData(SmartHealthLink.MaxPasscodeAttemptsLimit + 1)]
    public void Create_AttemptsJustOutsideTheirRange_AreRefused(int attempts) =>
        Errors(new CreateSmartHealthLink(Passcode: "1234", MaxPasscodeAttempts: attempts, Include: Summary))
            .Should().Equal(("MaxPasscodeAttempts", "maxPasscodeAttempts must be between 1 and 100."));

    [Fact]
    public void Create_AttemptsWithoutAPasscode_AreRefused() =>
        Errors(new CreateSmartHealthLink(MaxPasscodeAttempts: 3, Include: Summary))
            .Should().Equal(("MaxPasscodeAttempts", "maxPasscodeAttempts needs a passcode."));

    [Fact]
    public void Create_DirectFileWithAPasscode_IsRefused() =>
        Errors(new CreateSmartHealthLink(Passcode: "1234", DirectFile: true, Include: Summary))
            .Should().Equal(("DirectFile", "directFile (the U flag) cannot be combined with a passcode."));

    [Theory]
    [InlineData(true, 0, true)]
    [InlineData(false, 1, true)]
    [InlineData(true, 1, false)]
    [InlineData(false, 2, false)]
    public void Create_DirectFile_SharesExactlyOneThing(bool summary, int files, bool passes)
    {
        var errors = Errors(new CreateSmartHealthLink(DirectFile: true, Include: new ShlInclude(summary, Files(files))));

        if (passes)
            errors.Should().BeEmpty();
        else
            errors.Should().Equal(("DirectFile", "directFile (the U flag) shares exactly one thing: the emergency summary or one file."));
    }

    [Fact]
    public void Create_WithoutInclude_IsRefused() =>
        Errors(new CreateSmartHealthLink()).Should().Equal(("Include", "include is required: { \"emergencySummary\": true, \"fileIds\": [...] }."));

    [Fact]
    public void Create_IncludingNothing_IsRefused() =>
        Errors(new CreateSmartHealthLink(Include: new ShlInclude(false, []))).Should().Equal(("Include", "include must name the emergency summary or at least one file."));

    [Fact]
    public void Create_OneFileTooMany_IsRefused() =>
        Errors(new CreateSmartHealthLink(Include: new ShlInclude(false, Files(ShlContent.MaxFiles + 1))))
            .Should().Equal(("include.fileIds", "include.fileIds holds at most 10 files."));

    [Fact]
    public void Create_TheSameFileTwice_IsRefused()
    {
        var id = Guid.NewGuid();

        Errors(new CreateSmartHealthLink(Include: new ShlInclude(false, [id, Guid.NewGuid(), id])))
            .Should().Equal(("include.fileIds", "include.fileIds names a file twice."));
    }

    [Fact]
    public void Create_AnEmptyFileId_IsRefused() =>
        Errors(new CreateSmartHealthLink(Include: new ShlInclude(false, [Guid.NewGuid(), Guid.Empty])))
            .Should().Equal(("include.fileIds", "include.fileIds holds an empty id."));

    [Theory]
    [InlineData(false, 0, 0)]
    [InlineData(true, 0, 1)]
    [InlineData(false, 3, 3)]
    [InlineData(true, 3, 4)]
    public void Include_Count_IsTheSummaryAndTheFiles(bool summary, int files, int count) =>
        new ShlInclude(summary, files == 0 ? null : Files(files)).Count.Should().Be(count);

    [Fact]
    public void Open_ARecipientAtTheLengthLimit_Passes() =>
        Errors(new OpenSmartHealthLink("m", new string('r', SmartHealthLink.MaxRecipientLength), new string('p', 1024), 0)).Should().BeEmpty();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Open_WithoutARecipient_IsRefused(string? recipient) =>
        Errors(new OpenSmartHealthLink("m", recipient, null, null)).Should().Equal(("Recipient", "recipient is required: who is opening the link."));

    [Fact]
    public void Open_RecipientOneTooLong_IsRefused() =>
        Errors(new OpenSmartHealthLink("m", new string('r', SmartHealthLink.MaxRecipientLength + 1), null, null))
            .Should().Equal(("Recipient", "recipient is longer than 200 characters."));

    [Fact]
    public void Open_RecipientWithAControlCharacter_IsRefused() =>
        Errors(new OpenSmartHealthLink("m", "Dr.\u0007Lee", null, null)).Should().Equal(("Recipient", "recipient cannot contain control characters."));

    [Fact]
    public void Open_PasscodeOverTheLimit_IsRefused() =>
        Errors(new OpenSmartHealthLink("m", "Dr. Lee", new string('p', 1025), null)).Should().Equal(("Passcode", "passcode is too long."));

    [Fact]
    public void Open_NegativeEmbeddedLength_IsRefused() =>
        Errors(new OpenSmartHealthLink("m", "Dr. Lee", null, -1)).Should().Equal(("EmbeddedLengthMax", "embeddedLengthMax cannot be negative."));
}
