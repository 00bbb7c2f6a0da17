using MediVault.Application.Common.Exceptions;
using MediVault.Application.Fhir;
using MediVault.Domain.Records;

namespace MediVault.UnitTests.Application.Fhir;

/// <summary>
/// The search parameters at each rule's edge: which types and parameters are accepted, the paging bounds, the patient
/// forms, the category tokens and the codes a DocumentReference's category carries, and the FHIR date ranges with each
/// prefix (in memory and as a database predicate).
/// </summary>
public sealed class FhirSearchTests
{
    private static readonly string Patient = FhirSamples.PatientId.ToString("D");

    private static FhirSearch Parse(string type, params (string Name, string Value)[] parameters) =>
        FhirSearch.Parse(type, parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));

    private static Func<FhirSearch> Parsing(string type, params (string Name, string Value)[] parameters) => () => Parse(type, parameters);

    [Fact]
    public void Parse_PatientOnly_TakesTheDefaults()
    {
        var search = Parse("DocumentReference", ("patient", Patient));

        search.Should().BeEquivalentTo(new { ResourceType = "DocumentReference", PatientId = FhirSamples.PatientId, Category = (FileCategory?)null, Count = 20, Page = 1 });
        search.Dates.Should().BeEmpty();
    }

    [Fact]
    public void Parse_PatientAsAReference_IsTheSamePatient()
    {
        Parse("Condition", ("patient", "Patient/" + Patient)).PatientId.Should().Be(FhirSamples.PatientId);
    }

    [Theory]
    [InlineData("patient/" + "0190c0de-0000-7000-8000-000000000001")]
    [InlineData("Practitioner/0190c0de-0000-7000-8000-000000000001")]
    [InlineData("0190c0de000070008000000000000001")]
    [InlineData("not-a-uuid")]
    public void Parse_PatientThatIsNotAUuidOrAPatientReference_IsRefusedNamingTheValue(string value)
    {
        Parsing("Condition", ("patient", value)).Should().Throw<BadRequestException>().WithMessage($"patient '{value}' is not a patient id*");
    }

    [Fact]
    public void Parse_WithoutPatient_IsRefused()
    {
        Parsing("AuditEvent", ("_count", "5")).Should().Throw<BadRequestException>().WithMessage("Searching AuditEvent needs the patient parameter*");
    }

    [Fact]
    public void Parse_PatientTwice_IsRefused()
    {
        Parsing("Condition", ("patient", Patient), ("patient", Patient))
            .Should().Throw<BadRequestException>().WithMessage("The parameter 'patient' may be given only once.");
    }

    [Fact]
    public void Parse_UnsearchableType_IsRefusedListingTheSearchableOnes()
    {
        Parsing("Patient", ("patient", Patient)).Should().Throw<BadRequestException>()
            .WithMessage("Searching Patient is not supported. Searchable: DocumentReference, AuditEvent, AllergyIntolerance, Condition, MedicationStatement.");
    }

    [Theory]
    [InlineData("AuditEvent", "category")]
    [InlineData("Condition", "date")]
    [InlineData("Condition", "category")]
    [InlineData("DocumentReference", "subject")]
    public void Parse_ParameterTheTypeDoesNotSupport_IsRefusedListingWhatItDoes(string type, string name)
    {
        var supported = string.Join(", ", [.. FhirSearch.Supported[type], "_count", "_page"]);

        Parsing(type, ("patient", Patient), (name, "x")).Should().Throw<BadRequestException>()
            .WithMessage($"The search parameter '{name}' is not supported for {type}. Supported: {supported}.");
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("100", 100)]
    [InlineData("37", 37)]
    public void Parse_CountWithinOneToOneHundred_IsTaken(string value, int count)
    {
        Parse("Condition", ("patient", Patient), ("_count", value)).Count.Should().Be(count);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("5.0")]
    [InlineData("ten")]
    public void Parse_CountOutOfRangeOrNotAWholeNumber_IsRefused(string value)
    {
        Parsing("Condition", ("patient", Patient), ("_count", value)).Should().Throw<BadRequestException>()
            .WithMessage("_count must be a whole number from 1 to 100.");
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("1000000", 1_000_000)]
    public void Parse_PageAtItsBounds_IsTaken(string value, int page)
    {
        Parse("Condition", ("patient", Patient), ("_page", value)).Page.Should().Be(page);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1000001")]
    public void Parse_PageOutOfRange_IsRefused(string value)
    {
        Parsing("Condition", ("patient", Patient), ("_page", value)).Should().Throw<BadRequestException>()
            .WithMessage("_page must be a whole number from 1 to 1000000.");
    }

    [Theory]
    [InlineData("lab-report", FileCategory.LabReport)]
    [InlineData(FhirSystems.FileCategory + "|imaging", FileCategory.Imaging)]
    [InlineData("http://loinc.org|18842-5", FileCategory.DischargeSummary)]
    [InlineData("11369-6", FileCategory.Vaccination)]
    public void Parse_CategoryToken_NamesTheCategory(string token, FileCategory category)
    {
        Parse("DocumentReference", ("patient", Patient), ("category", token)).Category.Should().Be(category);
    }

    [Theory]
    [InlineData("x-ray")]
    [InlineData("http://loinc.org|lab-report")]
    [InlineData(FhirSystems.FileCategory + "|11502-2")]
    [InlineData("http://example.org|lab-report")]
    public void Parse_UnknownCategoryToken_IsRefusedListingTheNames(string token)
    {
        Parsing("DocumentReference", ("patient", Patient), ("category", token)).Should().Throw<BadRequestException>()
            .WithMessage($"category '{token}' is not a known category. Use one of: other, lab-report, prescription, imaging, discharge-summary, vaccination, insurance.");
    }

    [Theory]
    [InlineData(FileCategory.LabReport, "lab-report", "11502-2", "Laboratory report")]
    [InlineData(FileCategory.Prescription, "prescription", "57833-6", "Prescription for medication")]
    [InlineData(FileCategory.Imaging, "imaging", "18748-4", "Diagnostic imaging study")]
    [InlineData(FileCategory.DischargeSummary, "discharge-summary", "18842-5", "Discharge summary")]
    [InlineData(FileCategory.Vaccination, "vaccination", "11369-6", "History of Immunization Narrative")]
    [InlineData(FileCategory.Insurance, "insurance", "48768-6", "Payment sources Document")]
    public void DocumentCategories_Of_IsTheCategoryNameAndItsLoincDocumentClass_WhichSearchesForTheSameCategory(
        FileCategory category, string name, string loinc, string display)
    {
        var concept = DocumentCategories.Of(category);

        concept.Coding.Select(c => (c.System, c.Code)).Should().Equal((FhirSystems.FileCategory, name), (FhirSystems.Loinc, loinc));
        concept.Coding[1].Display.Should().Be(display);
        concept.Text.Should().Be(name);
        Parse("DocumentReference", ("patient", Patient), ("category", $"{FhirSystems.Loinc}|{loinc}")).Category.Should().Be(category);
    }

    [Fact]
    public void DocumentCategories_Of_Other_HasNoLoincCode()
    {
        var concept = DocumentCategories.Of(FileCategory.Other);

        concept.Coding.Select(c => (c.System, c.Code)).Should().Equal((FhirSystems.FileCategory, "other"));
        concept.Text.Should().Be("other");
    }

    [Fact]
    public void Parse_CategoryTwice_IsRefused()
    {
        Parsing("DocumentReference", ("patient", Patient), ("category", "imaging"), ("category", "imaging"))
            .Should().Throw<BadRequestException>().WithMessage("The parameter 'category' may be given only once.");
    }

    [Fact]
    public void Parse_SeveralDates_KeepsEachInOrder()
    {
        var search = Parse("AuditEvent", ("patient", Patient), ("date", "ge2026-01"), ("date", "lt2026-03-01"));

        search.Dates.Select(d => (d.Text, d.Prefix)).Should().Equal(("ge2026-01", "ge"), ("lt2026-03-01", "lt"));
    }

    [Theory]
    [InlineData("2026", "2026-01-01T00:00:00", "2027-01-01T00:00:00")]
    [InlineData("2026-02", "2026-02-01T00:00:00", "2026-03-01T00:00:00")]
    [InlineData("2026-02-28", "2026-02-28T00:00:00", "2026-03-01T00:00:00")]
    [InlineData("2026-02-28T10:00:00Z", "2026-02-28T10:00:00", "2026-02-28T10:00:01")]
    [InlineData("2026-02-28T10:00:00+02:00", "2026-02-28T08:00:00", "2026-02-28T08:00:01")]
    [InlineData("2026-02-28T10:00:00-01:30", "2026-02-28T11:30:00", "2026-02-28T11:30:01")]
    [InlineData("2026-02-28T10:00:00.250Z", "2026-02-28T10:00:00.250", "2026-02-28T10:00:00.251")]
    [InlineData("2026-02-28T10:00:00.5Z", "2026-02-28T10:00:00.5", "2026-02-28T10:00:00.6")]
    [InlineData("2026-02-28T10:00:00.25+02:00", "2026-02-28T08:00:00.25", "2026-02-28T08:00:00.26")]
    [InlineData("2026-02-28T10:00:00.1234567Z", "2026-02-28T10:00:00.1234567", "2026-02-28T10:00:00.1234568")]
    public void DateFilter_Parse_TakesTheRangeTheValueNames_InUtc(string text, string start, string end)
    {
        var filter = FhirDateFilter.Parse(text);

        filter.Should().Be(new FhirDateFilter(text, "eq", Utc(start), Utc(end)));
        filter.Start.Kind.Should().Be(DateTimeKind.Utc);
    }

    [Theory]
    [InlineData("eq")]
    [InlineData("ne")]
    [InlineData("ge")]
    [InlineData("gt")]
    [InlineData("le")]
    [InlineData("lt")]
    public void DateFilter_Parse_ReadsEachPrefix(string prefix)
    {
        var filter = FhirDateFilter.Parse(prefix + "2026-02");

        filter.Should().Be(new FhirDateFilter(prefix + "2026-02", prefix, Utc("2026-02-01T00:00:00"), Utc("2026-03-01T00:00:00")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ge")]
    [InlineData("sa2026")]
    [InlineData("26")]
    [InlineData("2026-2")]
    [InlineData("2026-02-1")]
    [InlineData("2026-2-28Z")] // ten characters, as many as YYYY-MM-DD, yet neither a date nor a date-time
    [InlineData("2026-02-1Z")]
    [InlineData("2026-13")]
    [InlineData("2026-02-30")]
    [InlineData("2026-02-28T10:00:00")]
    [InlineData("2026-02-28 10:00")]
    [InlineData("2026-02-28Z")] // a date with a zone: not a FHIR date-time (it once read as one second at midnight)
    [InlineData("2026-02-28T10:00Z")] // no seconds
    [InlineData("2026-02-28 10:00:00Z")]
    [InlineData("Feb 28 2026 10:00:00Z")]
    [InlineData("2026-02-28T10:00:00.Z")]
    [InlineData("20260228")]
    public void DateFilter_Parse_NotAFhirDate_IsRefusedNamingTheValue(string text)
    {
        FluentActions.Invoking(() => FhirDateFilter.Parse(text)).Should().Throw<BadRequestException>().WithMessage($"date '{text}' is not a FHIR date*");
    }

    // The range [2026-02-01, 2026-03-01): the instant before it, its first and last tick, and its end.
    public static TheoryData<string, string, bool[]> PrefixCases() => new()
    {
        { "eq", "the range", [false, true, true, false] },
        { "ne", "outside the range", [true, false, false, true] },
        { "ge", "from its start", [false, true, true, true] },
        { "gt", "from its end", [false, false, false, true] },
        { "le", "before its end", [true, true, true, false] },
        { "lt", "before its start", [true, false, false, false] },
    };

    private static readonly DateTime[] Edges =
    [
        Utc("2026-02-01T00:00:00").AddTicks(-1),
        Utc("2026-02-01T00:00:00"),
        Utc("2026-03-01T00:00:00").AddTicks(-1),
        Utc("2026-03-01T00:00:00"),
    ];

    [Theory]
    [MemberData(nameof(PrefixCases))]
    public void DateFilter_Matches_EachPrefixAtTheRangesEdges(string prefix, string meaning, bool[] expected)
    {
        var filter = FhirDateFilter.Parse(prefix + "2026-02");

        Edges.Select(filter.Matches).Should().Equal(expected, meaning);
    }

    [Theory]
    [MemberData(nameof(PrefixCases))]
    public void DateFilter_ToPredicate_IsTheSameTestAsMatches(string prefix, string meaning, bool[] expected)
    {
        var predicate = FhirDateFilter.Parse(prefix + "2026-02").ToPredicate<Stamped>(s => s.At).Compile();

        Edges.Select(at => predicate(new Stamped(at))).Should().Equal(expected, meaning);
    }

    [Theory]
    [InlineData("allergy", "allergy-0190c0de000070008000000000000001-0", 0)]
    [InlineData("condition", "condition-0190c0de000070008000000000000001-7", 7)]
    [InlineData("medication", "medication-0190c0de000070008000000000000001-49", 49)]
    public void ProfileItemId_TryParse_ReadsKindPatientAndIndex_AndPrintsTheSameId(string kind, string id, int index)
    {
        ProfileItemId.TryParse(kind, id, out var parsed).Should().BeTrue();

        parsed.Should().Be(new ProfileItemId(kind, FhirSamples.PatientId, index));
        parsed!.ToString().Should().Be(id);
    }

    [Theory]
    [InlineData("allergy", null)]
    [InlineData("allergy", "condition-0190c0de000070008000000000000001-0")]
    [InlineData("allergy", "allergy-0190c0de000070008000000000000001-")]
    [InlineData("allergy", "allergy-0190c0de000070008000000000000001")]
    [InlineData("allergy", "allergy-0190c0de000070008000000000000001x0")]
    [InlineData("allergy", "allergy-0190c0de00007000800000000000000g-0")]
    [InlineData("allergy", "allergy-0190c0de000070008000000000000001--1")]
    [InlineData("allergy", "allergy-0190c0de000070008000000000000001-+1")]
    [InlineData("allergy", "allergy-0190c0de000070008000000000000001-50")] // EmergencyProfile.MaxItemsPerList
    [InlineData("allergy", "Allergy-0190c0de000070008000000000000001-0")]
    public void ProfileItemId_TryParse_AnythingElse_IsRefused(string kind, string? id)
    {
        ProfileItemId.TryParse(kind, id, out var parsed).Should().BeFalse();

        parsed.Should().BeNull();
    }

    private static DateTime Utc(string text) =>
        DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    private sealed record Stamped(DateTime At);
}
