using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MediVault.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class I17SmartHealthLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SmartHealthLinks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PatientId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ManifestIdHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    Flags = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PasscodeHash = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    MaxPasscodeAttempts = table.Column<int>(type: "INTEGER", nullable: true),
                    FailedPasscodeAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    WrappedKey = table.Column<byte[]>(type: "BLOB", nullable: true),
                    OpenCount = table.Column<int>(type: "INTEGER", nullable: false),
                    LastOpenedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastOpenedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SmartHealthLinks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SmartHealthLinkEntries",
                columns: table => new
                {
                    LinkId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EntryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Ordinal = table.Column<int>(type: "INTEGER", nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LastUpdated = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Jwe = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SmartHealthLinkEntries", x => new { x.LinkId, x.EntryId });
                    table.ForeignKey(
                        name: "FK_SmartHealthLinkEntries_SmartHealthLinks_LinkId",
                        column: x => x.LinkId,
                        principalTable: "SmartHealthLinks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SmartHealthLinks_ManifestIdHash",
                table: "SmartHealthLinks",
                column: "ManifestIdHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SmartHealthLinks_PatientId",
                table: "SmartHealthLinks",
                column: "PatientId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SmartHealthLinkEntries");

            migrationBuilder.DropTable(
                name: "SmartHealthLinks");
        }
    }
}
