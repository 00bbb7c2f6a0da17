using MediVault.Application.Audit;
using MediVault.Application.Audit.ListAccessLog;

namespace MediVault.UnitTests.Application.Audit;

public sealed class ListAccessLogValidatorTests
{
    [Theory]
    [InlineData(0, 20, "page")]
    [InlineData(1, 0, "pageSize")]
    [InlineData(1, 101, "pageSize")]
    public void Validate_BadPaging_NamesTheField(int page, int pageSize, string field)
    {
        var errors = new ListAccessLogValidator().Validate(new ListAccessLog(Guid.CreateVersion7(), page, pageSize)).Errors;

        errors.Select(e => e.PropertyName).Should().Equal(field);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 100)]
    public void Validate_PagingWithinLimits_Passes(int page, int pageSize) =>
        new ListAccessLogValidator().Validate(new ListAccessLog(Guid.CreateVersion7(), page, pageSize)).IsValid.Should().BeTrue();

    [Fact]
    public void Validate_NoFilter_Passes() =>
        new ListAccessLogValidator().Validate(new ListAccessLog(Guid.CreateVersion7(), 1, 20, Filter: null)).IsValid.Should().BeTrue();

    [Fact]
    public void Validate_BadFilter_NamesEachField()
    {
        var filter = new AccessLogFilter("FileDownloaded", "nurse", "ok", "2026-11-31", null);

        var errors = new ListAccessLogValidator().Validate(new ListAccessLog(Guid.CreateVersion7(), 1, 20, filter)).Errors;

        errors.Select(e => e.PropertyName).Should().Equal("action", "actorRole", "outcome", "from");
        errors[0].ErrorMessage.Should().StartWith("action is not an action the log records. Must be one of: ").And.Contain("file-downloaded");
        errors[1].ErrorMessage.Should().StartWith("actorRole must be one of: ").And.Contain("doctor");
        errors[2].ErrorMessage.Should().StartWith("outcome must be one of: ").And.Contain("denied");
    }
}
