using System.Diagnostics;

namespace MediVault.TestSupport;

/// <summary>
/// Real DICOM files for tests, written by DCMTK's dump2dcm (Debian package dcmtk, installed by .ci/run) from its text
/// dump format: "(0008,0060) CS [CT]" per line. A DICOM writer that is not ours, so a parser test checks our reading
/// of the standard against someone else's.
/// </summary>
public static class Dcmtk
{
    /// <summary>Writes the data set as a DICOM Part 10 file; options such as "+ti" (implicit VR) or "-e" (undefined lengths).</summary>
    public static byte[] Write(string dump, params string[] options)
    {
        var directory = Directory.CreateTempSubdirectory("medivault-dicom-");
        try
        {
            var input = Path.Combine(directory.FullName, "in.dump");
            var output = Path.Combine(directory.FullName, "out.dcm");
            File.WriteAllText(input, dump);
            var start = new ProcessStartInfo("dump2dcm") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var option in options)
                start.ArgumentList.Add(option);
            start.ArgumentList.Add(input);
            start.ArgumentList.Add(output);
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("dump2dcm is not installed: apt-get install -y dcmtk (CI installs it).", e);
            }
            using (process)
            {
                var errors = process.StandardError.ReadToEndAsync();
                process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0)
                    throw new InvalidOperationException($"dump2dcm failed ({process.ExitCode}): {errors.Result}");
            }
            return File.ReadAllBytes(output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>A CT study as a scanner might write it, with the patient's name and id that must never be read.</summary>
    public const string ChestCt = """
        (0008,0005) CS [ISO_IR 192]
        (0008,0016) UI [1.2.840.10008.5.1.4.1.1.2]
        (0008,0018) UI [1.2.826.0.1.3680043.2.1125.1]
        (0008,0020) DA [20250314]
        (0008,0060) CS [CT]
        (0008,1030) LO [Thorax CT — low dose]
        (0008,103e) LO [Axial 1.25 mm]
        (0010,0010) PN [Verma^Sakshi]
        (0010,0020) LO [MRN-0042]
        (0018,0015) CS [CHEST]
        (0028,0002) US 1
        (0028,0004) CS [MONOCHROME2]
        (0028,0008) IS [1]
        (0028,0010) US 4
        (0028,0011) US 6
        (0028,0100) US 8
        (0028,0101) US 8
        (0028,0102) US 7
        (0028,0103) US 0
        (7fe0,0010) OB 01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13\14\15\16\17\18
        """;
}
