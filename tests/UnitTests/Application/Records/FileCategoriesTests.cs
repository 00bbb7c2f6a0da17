using MediVault.Application.Records.Common;
using MediVault.Domain.Records;

namespace MediVault.UnitTests.Application.Records;

public sealed class FileCategoriesTests
{
    [Theory]
    [InlineData(FileCategory.LabReport, "lab-report")]
    [InlineData(FileCategory.DischargeSummary, "discharge-summary")]
    [InlineData(FileCategory.Other, "other")]
    public void NameOf_Category_IsTheContractsKebabName(FileCategory category, string name) =>
        FileCategories.NameOf(category).Should().Be(name);

    [Fact]
    public void All_IsEveryCategory_AndEachNameParsesBackToIt()
    {
        FileCategories.All.Should().BeEquivalentTo(Enum.GetValues<FileCategory>());
        foreach (var category in FileCategories.All)
        {
            FileCategories.TryParse(FileCategories.NameOf(category), out var parsed).Should().BeTrue();
            parsed.Should().Be(category);
        }
    }
}
