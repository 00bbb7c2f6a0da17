using System.Net;
using MediVault.Infrastructure.Identity;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>
/// First run with sample data on (issue 15): the sample patient's vault shows the product — a profile, five records
/// (one per category, real PDFs and PNGs, the prescription added by the sample doctor), a grant and an active QR
/// code — seeded once through the real use cases, so every record is encrypted, on the ledger and verifiable.
/// </summary>
public sealed class SampleDataTests
{
    [Fact]
    public async Task SampleData_GivesSakshiAVaultThatShowsTheProduct_Once()
    {
        var directory = MediVaultFactory.NewDataDirectoryPath();
        try
        {
            for (var start = 0; start < 2; start++)
            {
                await using var factory = MediVaultFactory.OnDataDirectory(directory);
                factory.Settings["MediVault:SeedSampleData"] = "true";
                var api = new Api(factory);
                var patient = await api.LoginAs("sakshi@example.com", "password123");
                var doctor = await api.LoginAs("dr.sharma@example.com", "doctor123", SampleDataSeeder.SampleDoctorAuthenticatorKey);

                var files = (await (await patient.Client.GetAsync($"/api/files/{patient.Id}?pageSize=100")).ReadAs<FilePage>()).Items;
                files.Select(f => f.Category).Should().BeEquivalentTo(["lab-report", "imaging", "discharge-summary", "vaccination", "prescription"], "one per category, and only once");
                files.Select(f => f.ContentType).Should().Contain(["application/pdf", "image/png"]);
                files.Single(f => f.Category == "prescription").UploadedByName.Should().Be("Dr. Arjun Sharma");
                foreach (var file in files)
                    (await (await patient.Client.GetAsync($"/api/files/{file.Id}/verify")).ReadAs<FileVerificationAnswer>()).Intact.Should().BeTrue();
                var pdf = await (await patient.Client.GetAsync($"/api/files/download/{files.First(f => f.ContentType == "application/pdf").Id}")).Content.ReadAsByteArrayAsync();
                System.Text.Encoding.ASCII.GetString(pdf, 0, 5).Should().Be("%PDF-");

                var profile = await (await patient.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).ReadAs<ProfileAnswer>();
                profile.BloodType.Should().Be("O+");
                profile.Allergies.Should().NotBeEmpty();
                profile.EmergencyContacts.Should().ContainSingle();
                (await patient.ListQrCodes()).Should().ContainSingle(c => c.Status == "active" && c.Label == "Wallet card");
                (await doctor.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.OK, "Sakshi granted Dr. Sharma access");
            }
        }
        finally
        {
            MediVaultFactory.TryDelete(directory);
        }
    }
}
