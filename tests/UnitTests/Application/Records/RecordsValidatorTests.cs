using MediVault.Application.Audit.ExportAccessLog;
using MediVault.Application.Audit.ListAccessLog;
using MediVault.Application.Records.GetFileReceipt;
using MediVault.Application.Records.ListFiles;
using MediVault.Application.Records.UploadFile;

namespace MediVault.UnitTests.Application.Records;

/// <summary>The validators of the file and access-log queries, at each rule's edge.</summary>
public sealed class RecordsValidatorTests
{
    private static string[] ListErrors(string? category = null, string? q = null, int page = 1, int pageSize = 20) =>
        [.. new ListFilesValidator().Validate(new ListFiles(Guid.CreateVersion7(), category, q, page, pageSize)).Errors.Select(e => e.PropertyName)];

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("lab-report")]
    [InlineData("discharge-summary")]
    public void ListFiles_NoOrAKnownCategory_Passes(string? category) => ListErrors(category).Should().BeEmpty();

    [Theory]
    [InlineData("LabReport")]
    [InlineData("lab")]
    public void ListFiles_UnknownCategory_NamesIt(string category) => ListErrors(category).Should().Equal("Category");

    [Fact]
    public void ListFiles_SearchUpTo200Characters()
    {
        ListErrors(q: new string('q', ListFilesValidator.MaxQueryLength)).Should().BeEmpty();
        ListErrors(q: new string('q', ListFilesValidator.MaxQueryLength + 1)).Should().Equal("Q");
    }

    [Theory]
    [InlineData(0, 20, "page")]
    [InlineData(1, 0, "pageSize")]
    [InlineData(1, 101, "pageSize")]
    public void ListFiles_PagingOutOfRange_NamesTheField(int page, int pageSize, string field) =>
        ListErrors(page: page, pageSize: pageSize).Should().Equal(field);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(9, 100)]
    public void ListFiles_PagingEdges_Pass(int page, int pageSize) => ListErrors(page: page, pageSize: pageSize).Should().BeEmpty();

    private static string[] UploadErrors(string? patientId = null, string? category = null, string? description = null, string? recordDate = null) =>
        [.. new BeginUploadValidator().Validate(new BeginUpload(patientId, category, description, recordDate)).Errors.Select(e => e.PropertyName)];

    [Fact]
    public void Upload_NothingButTheFile_Passes() => UploadErrors().Should().BeEmpty();

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public void Upload_PatientIdThatIsNoPatientsId_NamesIt(string patientId) => UploadErrors(patientId).Should().Equal("PatientId");

    [Fact]
    public void Upload_AllFieldsGood_Passes() =>
        UploadErrors("0190c0de-0000-7000-8000-000000000001", "imaging", new string('d', 2000), "2026-02-28").Should().BeEmpty();

    [Fact]
    public void Upload_BadCategoryLongDescriptionAndBadDate_NameEachField() =>
        UploadErrors(null, "xray", new string('d', 2001), "2026-02-30").Should().Equal("Category", "Description", "RecordDate");

    [Theory]
    [InlineData("28/02/2026")]
    [InlineData("2026-2-28")]
    public void Upload_DateNotWrittenYyyyMmDd_NamesIt(string date) => UploadErrors(recordDate: date).Should().Equal("RecordDate");

    [Fact]
    public void UploadFile_WithoutAFile_NamesIt() =>
        new UploadFileValidator().Validate(new UploadFile(null, null, null, null, null)).Errors.Select(e => e.ErrorMessage)
            .Should().Equal("A file is required.");

    private const string CategoryMessage = "Must be one of: other, lab-report, prescription, imaging, discharge-summary, vaccination, insurance.";

    [Fact]
    public void UnknownCategory_IsRefusedNamingEveryCategory()
    {
        new ListFilesValidator().Validate(new ListFiles(Guid.CreateVersion7(), "xray", null, 1, 20)).Errors.Select(e => e.ErrorMessage)
            .Should().Equal(CategoryMessage);
        new BeginUploadValidator().Validate(new BeginUpload(null, "xray", null, null)).Errors.Select(e => e.ErrorMessage)
            .Should().Equal(CategoryMessage);
    }

    [Fact]
    public void UploadFile_ChecksTheFieldsToo() =>
        new UploadFileValidator().Validate(new UploadFile(null, "xray", null, null, null)).Errors.Select(e => e.ErrorMessage)
            .Should().Equal("A file is required.", CategoryMessage);

    [Fact]
    public void Receipt_EmptyId_IsRefused()
    {
        new GetFileReceiptValidator().Validate(new GetFileReceipt(Guid.Empty)).IsValid.Should().BeFalse();
        new GetFileReceiptValidator().Validate(new GetFileReceipt(Guid.CreateVersion7())).IsValid.Should().BeTrue();
    }

    private static string[] FilterErrors(string? action = null, string? role = null, string? outcome = null, string? from = null, string? to = null) =>
        [.. new ExportAccessLogValidator().Validate(new ExportAccessLog(Guid.CreateVersion7(), new AccessLogFilter(action, role, outcome, from, to)))
            .Errors.Select(e => e.PropertyName)];

    [Fact]
    public void Filter_KnownNamesAndRealDays_Pass() =>
        FilterErrors("file-downloaded", "emergency", "denied", "2026-11-01", "2026-11-30").Should().BeEmpty();

    [Fact]
    public void Filter_BlankValues_DoNotFilterAndPass() => FilterErrors("", "", "", "", "").Should().BeEmpty();

    [Fact]
    public void Filter_UnknownNames_NameEachField() =>
        FilterErrors("FileDownloaded", "nurse", "ok").Should().Equal("action", "actorRole", "outcome");

    [Fact]
    public void Filter_DaysNotWrittenYyyyMmDd_NameEachField() =>
        FilterErrors(from: "2026-11-31", to: "11/30/2026").Should().Equal("from", "to");

    [Fact]
    public void Filter_OneDayRange_PassesAndToBeforeFrom_NamesTo()
    {
        FilterErrors(from: "2026-11-24", to: "2026-11-24").Should().BeEmpty();
        FilterErrors(from: "2026-11-24", to: "2026-11-23").Should().Equal("to");
        FilterErrors(from: "2026-11-24").Should().BeEmpty();
        FilterErrors(to: "2026-11-23").Should().BeEmpty();
    }

    [Fact]
    public void Filter_Messages_ListTheNamesTheContractUses()
    {
        var errors = new ExportAccessLogValidator().Validate(new ExportAccessLog(Guid.CreateVersion7(), new AccessLogFilter("x", "x", "x", null, null))).Errors;

        errors.Select(e => e.ErrorMessage).Should().SatisfyRespectively(
            action => action.Should().Contain("file-downloaded").And.Contain("records-viewed"),
            role => role.Should().Contain("doctor").And.Contain("emergency"),
            outcome => outcome.Should().Contain("success").And.Contain("denied"));
    }
}
