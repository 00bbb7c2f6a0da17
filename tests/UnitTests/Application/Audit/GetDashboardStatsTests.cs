using MediVault.Application.Audit.GetDashboardStats;
using MediVault.Domain.Records;

namespace MediVault.UnitTests.Application.Audit;

public sealed class GetDashboardStatsTests
{
    [Theory]
    [InlineData(FileCategory.LabReport, "lab-report")]
    [InlineData(FileCategory.DischargeSummary, "discharge-summary")]
    [InlineData(FileCategory.Other, "other")]
    public void CategoryName_Category_IsTheContractsKebabName(FileCategory category, string name) =>
        GetDashboardStatsHandler.CategoryName(category).Should().Be(name);
}
