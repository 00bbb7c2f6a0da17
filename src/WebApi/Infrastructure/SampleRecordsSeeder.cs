using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Claims;
using System.Text;
using Mediator;
using MediVault.Application.Emergency.GenerateQrCode;
using MediVault.Application.Emergency.UpsertEmergencyProfile;
using MediVault.Application.Records.UploadFile;
using MediVault.Application.Sharing.GrantAccess;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Identity;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MediVault.WebApi.Infrastructure;

/// <summary>
/// Where sample data is on, gives the sample patient a vault that shows the product (issue 15): a realistic
/// emergency profile, five small generated records (PDFs and PNGs, one per category, the prescription added by the
/// sample doctor), a grant to the sample doctor and an active, labelled QR code. Runs once, after the accounts are
/// seeded, through the real use cases (encryption, ledger, access log), acting as each sample account in turn; it
/// does nothing when the patient already has files or a profile.
/// A start-up step, the last one (registered after Infrastructure's): it runs under the start-up lock, so instances
/// starting together on a new database do not both find the vault empty and seed it twice (decisions §159).
/// </summary>
internal sealed partial class SampleRecordsSeeder(
    IServiceProvider services, IOptions<MediVaultOptions> options, IHostEnvironment environment, ILogger<SampleRecordsSeeder> logger) : IStartupStep
{
    public const string PatientEmail = "sakshi@example.com";
    public const string DoctorEmail = "dr.sharma@example.com";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!(options.Value.SeedSampleData ?? environment.IsDevelopment()))
            return;

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var patient = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Email == PatientEmail, cancellationToken);
        var doctor = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Email == DoctorEmail, cancellationToken);
        if (patient is null || doctor is null
            || await db.MedicalFiles.AnyAsync(f => f.OwnerId == patient.Id, cancellationToken)
            || await db.EmergencyProfiles.AnyAsync(p => p.PatientId == patient.Id, cancellationToken))
            return;

        var accessor = scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var maxBytes = options.Value.Files.MaxUploadBytes;

        ActAs(accessor, patient);
        await mediator.Send(SampleProfile(patient.Id), cancellationToken);
        await Upload(mediator, null, "blood-panel-2026-11.pdf", SamplePdf("Complete blood count", "Haemoglobin 13.2 g/dL - within range"), "lab-report", "Annual blood panel", maxBytes, cancellationToken);
        await Upload(mediator, null, "chest-x-ray.png", SamplePng(0x3A), "imaging", "Chest X-ray, PA view", maxBytes, cancellationToken);
        await Upload(mediator, null, "discharge-summary-2025.pdf", SamplePdf("Discharge summary", "Appendectomy, uneventful recovery"), "discharge-summary", null, maxBytes, cancellationToken);
        await Upload(mediator, null, "covid-booster-certificate.png", SamplePng(0x80), "vaccination", "COVID-19 booster", maxBytes, cancellationToken);
        await mediator.Send(new GrantAccess(DoctorEmail, null), cancellationToken);
        await mediator.Send(new GenerateQrCode(ExpiresInMinutes: 43_200, Label: "Wallet card"), cancellationToken);

        ActAs(accessor, doctor);
        await Upload(mediator, patient.Id, "amoxicillin-prescription.pdf", SamplePdf("Prescription", "Amoxicillin 500 mg, three times a day, 5 days"), "prescription", "After the dental infection", maxBytes, cancellationToken);
        accessor.HttpContext = null;
        LogSeeded(logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sample records seeded: a profile, five records, a grant and a QR code for the sample patient")]
    private static partial void LogSeeded(ILogger logger);

    /// <summary>The use cases read who is acting from the request; outside one, a stand-in request says it.</summary>
    private static void ActAs(IHttpContextAccessor accessor, ApplicationUser user)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(MediVaultClaims.Subject, user.Id.ToString()),
            new Claim(MediVaultClaims.Name, user.FullName),
            new Claim(MediVaultClaims.AccountType, user.AccountType.ToString()),
        ], authenticationType: "sample-data");
        var context = new DefaultHttpContext { User = new ClaimsPrincipal(identity) };
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost");
        accessor.HttpContext = context;
    }

    private static async Task Upload(
        IMediator mediator, Guid? patientId, string fileName, byte[] content, string category, string? description, long maxBytes, CancellationToken ct)
    {
        await using var received = await mediator.Send(new ReceiveUpload(new MemoryStream(content), fileName, maxBytes), ct);
        await mediator.Send(new UploadFile(patientId?.ToString(), category, description, null, received), ct);
    }

    private static UpsertEmergencyProfile SampleProfile(Guid patientId) => new(
        patientId, "1990-05-14", "O+",
        [new AllergyInput("Penicillin", "Hives, difficulty breathing", "severe"), new AllergyInput("Peanuts", "Swelling of the lips", "moderate")],
        [new ConditionInput("Asthma", "Mild, exercise-induced")],
        [new MedicationInput("Salbutamol inhaler", "100 mcg", "As needed")],
        [new EmergencyContactInput("Rahul Verma", "Brother", "+91 98765 43210")],
        OrganDonor: true,
        MedicalNotes: "Carries an inhaler in her bag.");

    /// <summary>A one-page PDF with a title and a line of text (valid: the cross-reference offsets are computed).</summary>
    internal static byte[] SamplePdf(string title, string line)
    {
        static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal);
        var stream = $"BT /F1 20 Tf 72 740 Td (MediVault sample - {Escape(title)}) Tj /F1 12 Tf 0 -32 Td ({Escape(line)}) Tj 0 -20 Td (Sample data, not a real record.) Tj ET";
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {Encoding.ASCII.GetByteCount(stream)} >>\nstream\n{stream}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(pdf.ToString()));
            pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = Encoding.ASCII.GetByteCount(pdf.ToString());
        pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
            pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    /// <summary>A 96×96 greyscale PNG: a soft radial gradient around <paramref name="shade"/>, like a small scan.</summary>
    internal static byte[] SamplePng(byte shade)
    {
        const int size = 96;
        var raw = new byte[size * (size + 1)];
        for (var y = 0; y < size; y++)
        {
            raw[y * (size + 1)] = 0; // filter: none
            for (var x = 0; x < size; x++)
            {
                var distance = Math.Sqrt(((x - (size / 2)) * (x - (size / 2))) + ((y - (size / 2)) * (y - (size / 2))));
                raw[(y * (size + 1)) + 1 + x] = (byte)Math.Clamp(shade + 120 - (int)(distance * 2.5), 0, 255);
            }
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(raw);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, size);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), size);
        header[8] = 8; // bit depth
        header[9] = 0; // greyscale
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typeAndData));
        png.Write(number);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
