using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MediVault.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class I14EncryptionAtRest : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The medical text stored in plaintext so far waits in two holding tables for PlaintextSealingStep, which
            // seals it with the master key at the next start and drops them (docs/storage.md, "Medical text").
            migrationBuilder.Sql(
                "CREATE TABLE \"I14PlaintextProfiles\" AS SELECT \"PatientId\", \"DateOfBirth\", \"BloodType\", \"Allergies\", " +
                "\"Conditions\", \"Medications\", \"EmergencyContacts\", \"OrganDonor\", \"MedicalNotes\" FROM \"EmergencyProfiles\";");
            migrationBuilder.Sql(
                "CREATE TABLE \"I14PlaintextDescriptions\" AS SELECT \"Id\", \"OwnerId\", \"Description\" FROM \"MedicalFiles\" " +
                "WHERE \"Description\" IS NOT NULL;");

            migrationBuilder.DropColumn(
                name: "Description",
                table: "MedicalFiles");

            migrationBuilder.DropColumn(
                name: "Allergies",
                table: "EmergencyProfiles");

            migrationBuilder.DropColumn(
                name: "BloodType",
                table: "EmergencyProfiles");

            migrationBuilder.DropColumn(
                name: "Conditions",
                table: "EmergencyProfiles");

            migrationBuilder.DropColumn(
                name: "DateOfBirth",
                table: "EmergencyProfiles");

            migrationBuilder.DropColumn(
                name: "EmergencyContacts",
                table: "EmergencyProfiles");

            migrationBuilder.DropColumn(
                name: "MedicalNotes",
                table: "EmergencyProfiles");

            migrationBuilder.DropColumn(
                name: "Medications",
                table: "EmergencyProfiles");

            migrationBuilder.DropColumn(
                name: "OrganDonor",
                table: "EmergencyProfiles");

            migrationBuilder.AddColumn<byte[]>(
                name: "SealedDescription",
                table: "MedicalFiles",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "SealedContent",
                table: "EmergencyProfiles",
                type: "BLOB",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.CreateTable(
                name: "PatientDataKeys",
                columns: table => new
                {
                    PatientId = table.Column<Guid>(type: "TEXT", nullable: false),
                    WrappedKey = table.Column<byte[]>(type: "BLOB", maxLength: 61, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PatientDataKeys", x => x.PatientId);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Going back cannot unseal (SQL has no master key): the old columns come back empty.
            migrationBuilder.Sql("DROP TABLE IF EXISTS \"I14PlaintextProfiles\"; DROP TABLE IF EXISTS \"I14PlaintextDescriptions\";");

            migrationBuilder.DropTable(
                name: "PatientDataKeys");

            migrationBuilder.DropColumn(
                name: "SealedDescription",
                table: "MedicalFiles");

            migrationBuilder.DropColumn(
                name: "SealedContent",
                table: "EmergencyProfiles");

            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "MedicalFiles",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Allergies",
                table: "EmergencyProfiles",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "BloodType",
                table: "EmergencyProfiles",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Conditions",
                table: "EmergencyProfiles",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateOnly>(
                name: "DateOfBirth",
                table: "EmergencyProfiles",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EmergencyContacts",
                table: "EmergencyProfiles",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "MedicalNotes",
                table: "EmergencyProfiles",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Medications",
                table: "EmergencyProfiles",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "OrganDonor",
                table: "EmergencyProfiles",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }
    }
}
