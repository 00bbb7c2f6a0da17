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
}
