using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CarTConsortium.Identity.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SharedReplicas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Generation",
                table: "IdentityKeys",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "IdentityFailures",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FriendlyName = table.Column<string>(type: "TEXT", nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            // Keys of databases made before generations: numbered by activation, so the unique index holds (hand-written).
            migrationBuilder.Sql(
                """
                UPDATE "IdentityKeys" SET "Generation" = (
                    SELECT COUNT(*) FROM "IdentityKeys" AS earlier
                    WHERE earlier."Use" = "IdentityKeys"."Use"
                      AND (earlier."ActivatesAt" < "IdentityKeys"."ActivatesAt"
                           OR (earlier."ActivatesAt" = "IdentityKeys"."ActivatesAt" AND earlier."Id" < "IdentityKeys"."Id")));
                """);

            migrationBuilder.CreateIndex(
                name: "IX_IdentityKeys_Use_Generation",
                table: "IdentityKeys",
                columns: new[] { "Use", "Generation" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropIndex(
                name: "IX_IdentityKeys_Use_Generation",
                table: "IdentityKeys");

            migrationBuilder.DropColumn(
                name: "Generation",
                table: "IdentityKeys");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "IdentityFailures");
        }
    }
}
